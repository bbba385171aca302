import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { EVENT_NAMES, isCallName } from '../core/api/contract';
import type { WorkbenchService } from '../core/service/workbench-service';
import { OriginGuard } from './origin-guard';
import { serveStatic } from './static-files';

export const CALL_PATH = '/api/call/';
export const EVENTS_PATH = '/api/events';
const MAX_BODY_BYTES = 32 * 1024 * 1024;

export interface HostOptions {
  service: WorkbenchService;
  /** The built renderer (out/renderer). */
  rendererFolder: string;
  /** 0 picks a free port. */
  port?: number;
}

export interface RunningHost {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * The browser host: serves the renderer and carries the contract over HTTP (POST /api/call/<name>
 * with the arguments as a JSON array; answers {result} or {error}) and a WebSocket at /api/events
 * (each message {event, data}). Listens on 127.0.0.1 only.
 */
export async function startHost(options: HostOptions): Promise<RunningHost> {
  const rendererFolder = resolve(options.rendererFolder);
  const sockets = new Set<WebSocket>();
  let guard: OriginGuard | null = null;

  const server = createServer((req, res) => {
    const refusal = guard!.refusal(req, req.method !== 'GET' && req.method !== 'HEAD');
    if (refusal) return sendJson(res, 403, { error: refusal });
    const path = (req.url ?? '/').split('?')[0];
    if (path.startsWith(CALL_PATH)) return void handleCall(req, res, path.slice(CALL_PATH.length), options.service);
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: `${req.method} ${path} not allowed` });
    serveStatic(rendererFolder, path, res);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const refusal = guard!.refusal(req, true) ?? ((req.url ?? '').split('?')[0] === EVENTS_PATH ? null : `no socket at ${req.url}`);
    if (refusal) {
      socket.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\n${refusal}`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
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
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
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
