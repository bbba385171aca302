import type { IncomingMessage } from 'node:http';

/**
 * The host answers only its own pages: the Host header must name this server (no DNS rebinding)
 * and an Origin, where the browser sends one, must be this server's own origin. Calls (POST) and
 * the event socket must carry an Origin, so another site open in the same browser gets nothing.
 */
export class OriginGuard {
  private readonly hosts: Set<string>;
  private readonly origins: Set<string>;

  constructor(port: number) {
    this.hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
    this.origins = new Set([...this.hosts].map((h) => `http://${h}`));
  }

  /** Why the request is refused, or null when it may be served. */
  refusal(req: IncomingMessage, requireOrigin: boolean): string | null {
    const host = req.headers.host;
    if (!host || !this.hosts.has(host)) return `unexpected Host header ${JSON.stringify(host ?? null)}`;
    const origin = req.headers.origin;
    if (origin === undefined) return requireOrigin ? 'missing Origin header' : null;
    if (!this.origins.has(origin)) return `cross-origin request from ${origin} refused`;
    return null;
  }
}
