import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createApiClient } from '../../core/api/client';
import { startHost, type RunningHost } from '../../host/server';
import { parseHostArgs } from '../../host/args';
import { tempService } from './fixtures';

/** A raw HTTP request with exactly the headers given (fetch would add or forbid some). */
function raw(port: number, options: { method?: string; path: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; body: string }>((done, fail) => {
    const req = request({ host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: options.headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => done({ status: res.statusCode!, body }));
    });
    req.on('error', fail);
    req.end(options.body);
  });
}

describe('browser host', () => {
  let t: ReturnType<typeof tempService>;
  let host: RunningHost;
  let origin: string;
  const callHeaders = () => ({ host: `127.0.0.1:${host.port}`, origin, 'content-type': 'application/json' });

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

  it('listens on 127.0.0.1 only', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/`);
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
    expect(foreign).toEqual({ status: 403, body: JSON.stringify({ error: 'cross-origin request from http://evil.example refused' }) });
    const { origin: _o, ...noOrigin } = callHeaders();
    expect((await raw(host.port, { method: 'POST', path, body, headers: noOrigin })).status).toBe(403);
    const rebinding = await raw(host.port, { method: 'POST', path, body, headers: { ...callHeaders(), host: `attacker.example:${host.port}` } });
    expect(rebinding.status).toBe(403);
    expect((await raw(host.port, { method: 'POST', path, body, headers: callHeaders() })).status).toBe(200);
    // a page of another site cannot even load the app's pages through this host name
    expect((await raw(host.port, { path: '/', headers: { host: `evil.example:${host.port}` } })).status).toBe(403);
  });

  it('answers unknown calls, bad bodies and wrong methods with clear errors', async () => {
    const unknown = await raw(host.port, { method: 'POST', path: '/api/call/eval', body: '[]', headers: callHeaders() });
    expect(unknown).toEqual({ status: 404, body: JSON.stringify({ error: 'unknown call "eval"' }) });
    const notArray = await raw(host.port, { method: 'POST', path: '/api/call/appInfo', body: '{}', headers: callHeaders() });
    expect(notArray.status).toBe(400);
    const notJson = await raw(host.port, { method: 'POST', path: '/api/call/appInfo', body: '[', headers: callHeaders() });
    expect(notJson.status).toBe(400);
    const textPlain = await raw(host.port, { method: 'POST', path: '/api/call/appInfo', body: '[]', headers: { ...callHeaders(), 'content-type': 'text/plain' } });
    expect(textPlain.status).toBe(415);
    const get = await raw(host.port, { path: '/api/call/appInfo', headers: { host: `127.0.0.1:${host.port}` } });
    expect(get.status).toBe(405);
  });

  it('serves the renderer and nothing outside its folder', async () => {
    const hostHeader = { host: `127.0.0.1:${host.port}` };
    expect(await raw(host.port, { path: '/', headers: hostHeader })).toEqual({ status: 200, body: '<!doctype html><title>index</title>' });
    const escape = await raw(host.port, { path: '/..%2fsecret.txt', headers: hostHeader });
    expect(escape.body).not.toContain('secret');
    expect(escape.status).toBe(403);
  });

  it('delivers events over the WebSocket to its own origin, and refuses other origins', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api/events`, { origin });
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

    const foreign = new WebSocket(`ws://127.0.0.1:${host.port}/api/events`, { origin: 'http://evil.example' });
    const refused = await new Promise<string>((done) => {
      foreign.once('open', () => done('opened'));
      foreign.once('unexpected-response', (_req, res) => done(`HTTP ${res.statusCode}`));
      foreign.once('error', (e) => done(`error ${e.message}`));
    });
    expect(refused).toMatch(/403|error/);
    expect(refused).not.toBe('opened');
  });

  it('parses its command line, refusing what it does not know', () => {
    expect(parseHostArgs(['--db', '/tmp/w.db', '--port=8080'])).toEqual({ db: '/tmp/w.db', port: 8080, rendererFolder: null });
    expect(() => parseHostArgs(['--port', 'x'])).toThrow(/--port: expected a port number/);
    expect(() => parseHostArgs(['--db'])).toThrow(/--db needs a value/);
    expect(() => parseHostArgs(['--bind', '0.0.0.0'])).toThrow(/unknown option --bind/);
  });
});
