import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { EVENT_NAMES, isCallName } from '../core/api/contract';
import type { WorkbenchService } from '../core/service/workbench-service';
import { AccessToken } from './access-token';
import { OriginGuard } from './origin-guard';
import { serveStatic } from './static-files';

export const CALL_PATH = '/api/call/';
export const EVENTS_PATH = '/api/events';
const MAX_BODY_BYTES = 32 * 1024 * 1024;
/** No other site may frame the app (clickjacking); a <meta> CSP cannot say this, only a header. */
const FRAME_HEADERS = { 'content-security-policy': "frame-ancestors 'none'", 'x-frame-options': 'DENY' } as const;
const NEEDS_TOKEN = 'this host needs the address it printed at start (with ?token=…); open that address';

export interface HostOptions {
  service: WorkbenchService;
  /** The built renderer (out/renderer). */
  rendererFolder: string;
  /** 0 picks a free port. */
  port?: number;
}

export interface RunningHost {
  /** The address to open: it carries the access token. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/**
 * The browser host: serves the renderer and carries the contract over HTTP (POST /api/call/<name>
 * with the arguments as a JSON array; answers {result} or {error}) and a WebSocket at /api/events
 * (each message {event, data}). Listens on 127.0.0.1 only; every request must carry the
 * per-start token (access-token.ts). A client that sends a malformed or oversized frame loses its
 * socket (close 1002 / 1009), never the host.
 */
export async function startHost(options: HostOptions): Promise<RunningHost> {
  const rendererFolder = resolve(options.rendererFolder);
  const sockets = new Set<WebSocket>();
  let guard: OriginGuard | null = null;
  let token: AccessToken | null = null;

  const server = createServer((req, res) => {
    for (const [name, value] of Object.entries(FRAME_HEADERS)) res.setHeader(name, value);
    const refusal = guard!.refusal(req, req.method !== 'GET' && req.method !== 'HEAD') ?? (token!.accepts(req) ? null : NEEDS_TOKEN);
    if (refusal) return sendJson(res, 403, { error: refusal });
    const path = (req.url ?? '/').split('?')[0];
    if (path.startsWith(CALL_PATH)) return void handleCall(req, res, path.slice(CALL_PATH.length), options.service);
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: `${req.method} ${path} not allowed` });
    if (AccessToken.inQuery(req) !== null) res.setHeader('set-cookie', token!.cookie());
    serveStatic(rendererFolder, path, res);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy()); // a client that resets mid-handshake
    const refusal =
      guard!.refusal(req, true) ?? (token!.accepts(req) ? null : NEEDS_TOKEN) ?? ((req.url ?? '').split('?')[0] === EVENTS_PATH ? null : `no socket at ${req.url}`);
    if (refusal) {
      const headers = Object.entries(FRAME_HEADERS).map(([name, value]) => `${name}: ${value}\r\n`).join('');
      socket.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n${headers}\r\n${refusal}`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      // a malformed frame (e.g. unmasked) or one over maxPayload: ws closes this socket with
      // 1002 / 1009 itself; without a listener the error would end the whole process
      ws.on('error', () => sockets.delete(ws));
    });
  });
  const stopForwarding = options.service.events.onAny((event, data) => {
    const message = JSON.stringify({ event, data });
    for (const ws of sockets) ws.send(message);
  }, EVENT_NAMES);

  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => done());
  });
  const port = (server.address() as AddressInfo).port;
  guard = new OriginGuard(port);
  token = new AccessToken(port);
  return {
    url: `http://127.0.0.1:${port}/?token=${token.value}`,
    port,
    token: token.value,
    close: async () => {
      stopForwarding();
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

async function handleCall(req: IncomingMessage, res: ServerResponse, name: string, service: WorkbenchService): Promise<void> {
  if (req.method !== 'POST') return sendJson(res, 405, { error: 'calls are POST requests' });
  if (!isCallName(name)) return sendJson(res, 404, { error: `unknown call ${JSON.stringify(name)}` });
  if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return sendJson(res, 415, { error: 'calls take application/json' });
  let args: unknown;
  try {
    args = JSON.parse(await readBody(req));
  } catch (e) {
    return sendJson(res, 400, { error: `call ${name}: ${(e as Error).message}` });
  }
  if (!Array.isArray(args)) return sendJson(res, 400, { error: `call ${name}: the body must be a JSON array of arguments` });
  try {
    const handler = service[name] as (...a: unknown[]) => unknown;
    const result = await handler(...args);
    sendJson(res, 200, { result: result ?? null });
  } catch (e) {
    sendJson(res, 500, { error: (e as Error).message });
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        fail(new Error(`body larger than ${MAX_BODY_BYTES} bytes`));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
    req.on('error', fail);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}
