/**
 * The Electron security checklist, applied to every web contents the app creates: IPC only from
 * the app's page, no navigation away from it, no new windows (http(s) links go to the system
 * browser), no webviews, no permissions beyond writing the clipboard, the CSP on every response.
 */
import type { Session, WebContents } from 'electron';
import { CONTENT_SECURITY_POLICY, isAppPage } from './app-protocol';

/** The only permission the renderer asks for: Copy writes the selection to the clipboard. */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

/** An IPC call is the app's when it comes from the top frame of the app's page. */
export function isTrustedSender(frame: { url: string; parent: unknown } | null | undefined, devServerUrl: string | null): boolean {
  if (!frame || frame.parent) return false;
  if (devServerUrl && frame.url.startsWith(devServerUrl)) return true;
  return isAppPage(frame.url);
}

/** Links the app may hand to the system browser: plain http(s) to a named host, no credentials. */
export function isExternalLink(url: string): boolean {
  try {
    const u = new URL(url);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname !== '' && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

export function hardenWebContents(contents: WebContents, openExternal: (url: string) => void, devServerUrl: string | null): void {
  const allowedPage = (url: string) => isAppPage(url) || (!!devServerUrl && url.startsWith(devServerUrl));
  // A dropped file or a link would replace the app's page (and its IPC access) with something else.
  // Electron passes the target as event.url (and, deprecated, as the second argument).
  const target = (event: unknown, url: string) => (event as { url?: string }).url ?? url;
  contents.on('will-navigate', (event, url) => {
    if (!allowedPage(target(event, url))) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!allowedPage(target(event, url))) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalLink(url)) openExternal(url);
    return { action: 'deny' };
  });
}

export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(ALLOWED_PERMISSIONS.has(permission) && isAppPage(details.requestingUrl)),
  );
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => ALLOWED_PERMISSIONS.has(permission) && isAppPage(`${requestingOrigin}/index.html`));
  session.setDevicePermissionHandler(() => false);
  // The app's protocol sets the header itself; this covers every other response (a dev server, a redirect).
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = Object.fromEntries(Object.entries(details.responseHeaders ?? {}).filter(([k]) => k.toLowerCase() !== 'content-security-policy'));
    callback({ responseHeaders: { ...headers, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
}
