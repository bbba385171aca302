import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createApiClient } from '../../core/api/client';
import { startHost, type RunningHost } from '../../host/server';
import { parseHostArgs } from '../../host/args';
import { repoRoot, tempService } from './fixtures';

/** A raw HTTP request with exactly the headers given (fetch would add or forbid some). */
function raw(port: number, options: { method?: string; path: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; body: string; headers: IncomingHttpHeaders }>((done, fail) => {
    const req = request({ host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: options.headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => done({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', fail);
    req.end(options.body);
  });
}

describe('browser host', () => {
  let t: ReturnType<typeof tempService>;
  let host: RunningHost;
  let origin: string;
  const cookie = () => `cnnwb-token-${host.port}=${host.token}`;
  const callHeaders = () => ({ host: `127.0.0.1:${host.port}`, origin, cookie: cookie(), 'content-type': 'application/json' });
  const pageHeaders = () => ({ host: `127.0.0.1:${host.port}`, cookie: cookie() });

  beforeAll(async () => {
    t = tempService();
    const renderer = join(t.folder, 'renderer');
    mkdirSync(renderer);
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>index</title>');
    writeFileSync(join(t.folder, 'secret.txt'), 'secret');
    host = await startHost({ service: t.service, rendererFolder: renderer, port: 0 });
    origin = `http://127.0.0.1:${host.port}`;
  });
  afterAll(async () => {
    await host.close();
    t.dispose();
  });

  it('listens on 127.0.0.1 only, at an address that carries its token', () => {
    expect(host.token).toMatch(/^[\w-]{32}$/);
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`);
  });

  it('carries the contract: a typed client over fetch gets what the service answers', async () => {
    const api = createApiClient({
      call: async (name, args) => {
        const r = await raw(host.port, { method: 'POST', path: `/api/call/${name}`, headers: callHeaders(), body: JSON.stringify(args) });
        const body = JSON.parse(r.body);
        if (body.error) throw new Error(body.error);
        return body.result;
      },
      subscribe: () => () => undefined,
    });
    expect((await api.listTemplates()).map((x) => x.id)).toEqual(['lenet5', 'simplenn-3layer', 'simplenn-7layer']);
    const compiled = await api.compileGraph(await api.getTemplate('lenet5'));
    expect(compiled.ok).toBe(true);
    await expect(api.getTemplate('nope')).rejects.toThrow(/unknown template "nope"/);
  });

  it('refuses calls from another origin, without an Origin, or for another Host', async () => {
    const body = '[]';
    const path = '/api/call/appInfo';
    const foreign = await raw(host.port, { method: 'POST', path, body, headers: { ...callHeaders(), origin: 'http://evil.example' } });
    expect(foreign).toMatchObject({ status: 403, body: JSON.stringify({ error: 'cross-origin request from http://evil.example refused' }) });
    const { origin: _o, ...noOrigin } = callHeaders();
    expect((await raw(host.port, { method: 'POST', path, body, headers: noOrigin })).status).toBe(403);
    const rebinding = await raw(host.port, { method: 'POST', path, body, headers: { ...callHeaders(), host: `attacker.example:${host.port}` } });
    expect(rebinding.status).toBe(403);
    expect((await raw(host.port, { method: 'POST', path, body, headers: callHeaders() })).status).toBe(200);
    // a page of another site cannot even load the app's pages through this host name
    expect((await raw(host.port, { path: '/', headers: { ...pageHeaders(), host: `evil.example:${host.port}` } })).status).toBe(403);
  });

  it('answers unknown calls, bad bodies and wrong methods with clear errors', async () => {
    const unknown = await raw(host.port, { method: 'POST', path: '/api/call/eval', body: '[]', headers: callHeaders() });
    expect(unknown).toMatchObject({ status: 404, body: JSON.stringify({ error: 'unknown call "eval"' }) });
    const notArray = await raw(host.port, { method: 'POST', path: '/api/call/appInfo', body: '{}', headers: callHeaders() });
    expect(notArray.status).toBe(400);
    const notJson = await raw(host.port, { method: 'POST', path: '/api/call/appInfo', body: '[', headers: callHeaders() });
    expect(notJson.status).toBe(400);
    const textPlain = await raw(host.port, { method: 'POST', path: '/api/call/appInfo', body: '[]', headers: { ...callHeaders(), 'content-type': 'text/plain' } });
    expect(textPlain.status).toBe(415);
    const get = await raw(host.port, { path: '/api/call/appInfo', headers: pageHeaders() });
    expect(get.status).toBe(405);
  });

  it('serves the renderer and nothing outside its folder', async () => {
    const hostHeader = pageHeaders();
    expect(await raw(host.port, { path: '/', headers: hostHeader })).toMatchObject({ status: 200, body: '<!doctype html><title>index</title>' });
    const escape = await raw(host.port, { path: '/..%2fsecret.txt', headers: hostHeader });
    expect(escape.body).not.toContain('secret');
    expect(escape.status).toBe(403);
  });

  it('delivers events over the WebSocket to its own origin, and refuses other origins', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api/events`, { origin, headers: { cookie: cookie() } });
    await new Promise((done, fail) => ws.once('open', done).once('error', fail));
    const message = new Promise<string>((done) => ws.once('message', (data) => done(String(data))));
    const file = join(t.folder, 'g.json');
    await raw(host.port, {
      method: 'POST',
      path: '/api/call/saveGraphFile',
      headers: callHeaders(),
      body: JSON.stringify([file, await t.service.getTemplate('lenet5')]),
    });
    expect(JSON.parse(await message)).toEqual({ event: 'onRecentFilesChanged', data: [file] });
    ws.close();

    const foreign = new WebSocket(`ws://127.0.0.1:${host.port}/api/events`, { origin: 'http://evil.example', headers: { cookie: cookie() } });
    const refused = await new Promise<string>((done) => {
      foreign.once('open', () => done('opened'));
      foreign.once('unexpected-response', (_req, res) => done(`HTTP ${res.statusCode}`));
      foreign.once('error', (e) => done(`error ${e.message}`));
    });
    expect(refused).toMatch(/403|error/);
    expect(refused).not.toBe('opened');
  });

  it('refuses every request and the event socket without the token; the tokened address sets a cookie that carries it', async () => {
    const path = '/api/call/appInfo';
    const { cookie: _c, ...noToken } = callHeaders();
    const refused = await raw(host.port, { method: 'POST', path, body: '[]', headers: noToken });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body).error).toMatch(/needs the address it printed at start \(with \?token=…\)/);
    const wrong = { ...noToken, cookie: `cnnwb-token-${host.port}=${host.token.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}` };
    expect((await raw(host.port, { method: 'POST', path, body: '[]', headers: wrong })).status).toBe(403);
    // another port's cookie does not open this host
    expect((await raw(host.port, { method: 'POST', path, body: '[]', headers: { ...noToken, cookie: `cnnwb-token-1=${host.token}` } })).status).toBe(403);
    expect((await raw(host.port, { method: 'POST', path: `${path}?token=${host.token}`, body: '[]', headers: noToken })).status).toBe(200);
    const hostOnly = { host: `127.0.0.1:${host.port}` };
    expect((await raw(host.port, { path: '/', headers: hostOnly })).status).toBe(403);
    expect((await raw(host.port, { path: '/?token=nope', headers: hostOnly })).status).toBe(403);

    const page = await raw(host.port, { path: new URL(host.url).pathname + new URL(host.url).search, headers: hostOnly });
    expect(page.status).toBe(200);
    expect(page.headers['set-cookie']).toEqual([`cnnwb-token-${host.port}=${host.token}; Path=/; HttpOnly; SameSite=Strict`]);
    const again = await raw(host.port, { path: '/', headers: { ...hostOnly, cookie: `other=1; ${page.headers['set-cookie']![0].split(';')[0]}` } });
    expect(again.status).toBe(200);

    const socketStatus = (headers: Record<string, string>, query = '') =>
      new Promise<string>((done) => {
        const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api/events${query}`, { origin, headers });
        ws.once('open', () => (ws.close(), done('open')));
        ws.once('unexpected-response', (_req, res) => done(`HTTP ${res.statusCode}`));
        ws.once('error', (e) => done(`error ${e.message}`));
      });
    expect(await socketStatus({})).toBe('HTTP 403');
    expect(await socketStatus({}, `?token=${host.token}`)).toBe('open');
    expect(await socketStatus({ cookie: cookie() })).toBe('open');
  });

  it("forbids framing on every response: frame-ancestors 'none' and X-Frame-Options DENY", async () => {
    const responses = [
      await raw(host.port, { path: '/', headers: pageHeaders() }),
      await raw(host.port, { path: '/', headers: { host: `127.0.0.1:${host.port}` } }),
      await raw(host.port, { path: '/api/call/appInfo', headers: pageHeaders() }),
      await raw(host.port, { method: 'POST', path: '/api/call/appInfo', body: '[]', headers: callHeaders() }),
      await raw(host.port, { method: 'POST', path: '/api/call/nope', body: '[]', headers: callHeaders() }),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 403, 405, 200, 404]);
    for (const r of responses) {
      expect(r.headers['x-frame-options']).toBe('DENY');
      expect(r.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    }
  });

  it('parses its command line, refusing what it does not know', () => {
    expect(parseHostArgs(['--db', '/tmp/w.db', '--port=8080'])).toEqual({ db: '/tmp/w.db', port: 8080, rendererFolder: null });
    expect(() => parseHostArgs(['--port', 'x'])).toThrow(/--port: expected a port number/);
    expect(() => parseHostArgs(['--db'])).toThrow(/--db needs a value/);
    expect(() => parseHostArgs(['--bind', '0.0.0.0'])).toThrow(/unknown option --bind/);
  });
});

/**
 * Item: one malformed frame must cost its sender the socket, never the host or a run training in
 * it. The host runs as its own process (as npm start runs it), so an unhandled error would end it.
 */
describe('browser host process under malformed WebSocket frames', () => {
  let child: ChildProcess;
  let folder: string;
  let url: URL;
  let output = '';

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'cnnwb-host-'));
    child = spawn(process.execPath, ['--import', 'tsx', 'host/main.ts', '--db', join(folder, 'w.db'), '--port', '0', '--renderer', folder], { stdio: ['ignore', 'pipe', 'pipe'] });
    const line = await new Promise<string>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`no address within 60 s:\n${output}`)), 60_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /^CNN Workbench \(browser host\) at (\S+) {2}workspace /m.exec(output);
        if (match) {
          clearTimeout(timer);
          done(match[1]);
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => fail(new Error(`host exited (${code}):\n${output}`)));
    });
    url = new URL(line);
  }, 70_000);
  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(folder, { recursive: true, force: true });
  });

  it('prints the address a person opens: it carries the token and it serves', async () => {
    expect(url.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(url.searchParams.get('token')).toMatch(/^[\w-]{32}$/);
    expect((await fetch(url, { method: 'POST' })).status).toBe(403); // POST needs an Origin; the GET below does not
    expect((await fetch(url)).status).not.toBe(403);
    expect((await fetch(url.origin)).status).toBe(403);
  });

  it('closes a socket that sends an unmasked or an oversized frame (1002, 1009) and keeps serving; the run trains on', async () => {
    const token = url.searchParams.get('token')!;
    const headers = { origin: url.origin, cookie: `cnnwb-token-${url.port}=${token}` };
    const call = async (name: string, ...args: unknown[]) => {
      const r = await fetch(`${url.origin}/api/call/${name}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(args) });
      const body = (await r.json()) as { result?: unknown; error?: string };
      if (body.error) throw new Error(body.error);
      return body.result;
    };
    const watcher = new WebSocket(`ws://127.0.0.1:${url.port}/api/events`, { headers });
    await new Promise((done, fail) => watcher.once('open', done).once('error', fail));
    const events: { runId: number; event: { type: string; status?: string; step?: number } }[] = [];
    watcher.on('message', (m) => {
      const { event, data } = JSON.parse(String(m));
      if (event === 'onTrainingEvent') events.push(data);
    });
    const graph = JSON.parse(readFileSync(join(repoRoot, 'test', 'store', 'fixtures', 'tiny-graph.json'), 'utf8'));
    const { runId } = (await call('startTraining', { graph, data: 'sample', settings: { epochs: 100, batchSize: 32, validationFraction: 0.1 }, backend: 'auto' })) as { runId: number };
    const until = async (check: () => boolean, what: string) => {
      const end = Date.now() + 240_000;
      while (!check()) {
        if (Date.now() > end || child.exitCode !== null) throw new Error(`${what}: not seen (host exit code ${child.exitCode})\n${output}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await until(() => events.some((e) => e.runId === runId && e.event.type === 'step'), 'a first step');

    const unmasked = Buffer.from([0x81, 0x05, ...Buffer.from('hello')]); // a client frame must be masked
    const oversized = Buffer.from([0x82, 0xff, 0, 0, 0, 0, 0, 0x20, 0, 0, 1, 2, 3, 4]); // masked, 2 MiB announced (limit 1 MiB)
    expect(await closeCodeAfter(url, headers, unmasked)).toBe(1002);
    expect(await closeCodeAfter(url, headers, oversized)).toBe(1009);

    const stepsBefore = events.filter((e) => e.event.type === 'step').length;
    await until(() => events.filter((e) => e.event.type === 'step').length > stepsBefore + 3, 'steps after the bad frames');
    expect(child.exitCode).toBeNull();
    expect(await call('appInfo')).toMatchObject({ shell: 'browser' });
    await call('stopTraining', runId); // it would train on for minutes; stopped (not interrupted) shows it was alive
    await until(() => events.some((e) => e.runId === runId && e.event.type === 'ended'), 'the end of the run');
    expect(events.find((e) => e.event.type === 'ended')!.event.status).toBe('stopped');
    watcher.close();
  }, 300_000);
});

/** Opens the event socket over a raw TCP connection, sends `frame`, and returns the close code the host answers with. */
function closeCodeAfter(url: URL, headers: Record<string, string>, frame: Buffer): Promise<number> {
  return new Promise((done, fail) => {
    const socket = connect(Number(url.port), '127.0.0.1');
    let buffer = Buffer.alloc(0);
    let upgraded = false;
    socket.on('error', fail);
    socket.on('connect', () =>
      socket.write(
        [
          'GET /api/events HTTP/1.1',
          `Host: 127.0.0.1:${url.port}`,
          `Origin: ${headers.origin}`,
          `Cookie: ${headers.cookie}`,
          'Upgrade: websocket',
          'Connection: Upgrade',
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
          'Sec-WebSocket-Version: 13',
          '',
          '',
        ].join('\r\n'),
      ),
    );
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!upgraded) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        if (!buffer.subarray(0, end).toString().startsWith('HTTP/1.1 101')) return fail(new Error(buffer.toString()));
        upgraded = true;
        buffer = buffer.subarray(end + 4);
        socket.write(frame);
      }
      // server frames are unmasked: opcode, 7-bit length (or 126 + 16-bit), payload; skip event messages
      while (buffer.length >= 2) {
        const opcode = buffer[0] & 0x0f;
        let length = buffer[1] & 0x7f;
        let offset = 2;
        if (length === 126) {
          if (buffer.length < 4) return;
          length = buffer.readUInt16BE(2);
          offset = 4;
        } else if (length === 127) {
          if (buffer.length < 10) return;
          length = Number(buffer.readBigUInt64BE(2));
          offset = 10;
        }
        if (buffer.length < offset + length) return;
        if (opcode === 0x8) {
          socket.destroy();
          return done(buffer.readUInt16BE(offset));
        }
        buffer = buffer.subarray(offset + length);
      }
    });
  });
}
