import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * The per-start secret, as Jupyter has one: the address the host prints carries it
 * (`/?token=…`), the first page load with it sets a cookie for this port, and from then on the
 * browser sends it with every request and the event socket's handshake. A request without it —
 * from another local user or process, which can set Origin and Host at will — is refused.
 */
export class AccessToken {
  readonly value: string;
  readonly cookieName: string;

  constructor(port: number, value = randomBytes(24).toString('base64url')) {
    this.value = value;
    this.cookieName = `cnnwb-token-${port}`;
  }

  /** The token given in the query string (`?token=`), if any. */
  static inQuery(req: IncomingMessage): string | null {
    return new URL(req.url ?? '/', 'http://host').searchParams.get('token');
  }

  /** Whether the request carries this token, in its query string or in this port's cookie. */
  accepts(req: IncomingMessage): boolean {
    const given = AccessToken.inQuery(req) ?? cookie(req, this.cookieName);
    return given !== null && this.matches(given);
  }

  matches(given: string): boolean {
    const a = Buffer.from(given);
    const b = Buffer.from(this.value);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** Set-Cookie for a page loaded with the token: sent back on this host's requests only, never readable by scripts. */
  cookie(): string {
    return `${this.cookieName}=${this.value}; Path=/; HttpOnly; SameSite=Strict`;
  }
}

function cookie(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
