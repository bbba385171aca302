/**
 * The renderer is served from `app://workbench/`, a custom protocol, not from file: URLs. So the
 * page has one exact address that IPC and navigation checks compare against (a file: page anywhere
 * on disk is not the app), every response carries the Content-Security-Policy header, and
 * nothing outside out/renderer can be read through it.
 */
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://workbench`;
export const APP_PAGE_URL = `${APP_ORIGIN}/index.html`;

/** The policy for every response: the app's own scripts only, no eval, no plugins, no frames, no remote connections. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "frame-src 'none'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

/** True for the app's page itself (query and hash aside), and nothing else. */
export function isAppPage(url: string): boolean {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}` === APP_PAGE_URL;
  } catch {
    return false;
  }
}

/** The protocol handler: files of `rendererFolder` with their type and the CSP; 404 for anything else. */
export function rendererProtocolHandler(rendererFolder: string): (request: Request) => Promise<Response> {
  const root = normalize(rendererFolder + sep);
  return async (request) => {
    const headers = { 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'X-Content-Type-Options': 'nosniff' };
    const url = new URL(request.url);
    const path = normalize(join(root, decodeURIComponent(url.pathname)));
    if (url.host !== 'workbench' || !path.startsWith(root)) return new Response('not found', { status: 404, headers });
    try {
      const body = await readFile(path);
      return new Response(body, { status: 200, headers: { ...headers, 'Content-Type': CONTENT_TYPES[extname(path)] ?? 'application/octet-stream' } });
    } catch {
      return new Response('not found', { status: 404, headers });
    }
  };
}
