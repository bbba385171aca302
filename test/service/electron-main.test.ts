import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CALL_NAMES } from '../../core/api/contract';
import { ensureBuilt } from '../e2e/harness';
import { repoRoot } from './fixtures';

// No Electron binary runs here, so the built main process runs in plain Node against a recording
// stand-in for the `electron` module (electron-stub/). This checks main's own wiring: the window's
// security settings, one IPC handler per contract call, sender checks, native dialogs in front of
// the core service (here in the stand-in's utilityProcess, the packaged app's way), the menu, and
// what main answers when Chromium asks (navigation, new windows, permissions, the app:// protocol,
// response headers). The real Electron run is test/e2e/electron.test.ts.
describe('Electron main process (built), on a stub of the electron module', () => {
  const folder = mkdtempSync(join(tmpdir(), 'cnnwb-main-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  let report: Record<string, any>;

  it('wires window, IPC, dialogs and menu to the core service', () => {
    ensureBuilt();
    const savePath = join(folder, 'saved.json');
    const out = execFileSync(
      process.execPath,
      [join(repoRoot, 'test/service/electron-stub/drive.mjs'), join(repoRoot, 'out/main/index.js'), join(folder, 'ws.db'), savePath, join(folder, 'torch')],
      { cwd: repoRoot, encoding: 'utf8', timeout: 30_000 },
    );
    report = JSON.parse(out.trim().split('\n').at(-1)!);
    expect(report.exitCode).toBeNull();
    expect(report.errors).toEqual([]);
    expect(report.channels).toEqual(CALL_NAMES.map((n) => `workbench:call:${n}`).sort());
    expect(report.windows).toEqual([
      { preload: join(repoRoot, 'out/preload/index.cjs'), contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, devTools: true },
    ]);
    expect(existsSync(report.windows[0].preload)).toBe(true);
    expect(report.loaded).toEqual(['app://workbench/index.html']);
    expect(report.utilityForks).toEqual([join(repoRoot, 'out/main/service-worker.js')]);
    expect(report.appInfo.result).toMatchObject({ shell: 'electron', nativeDialogs: true, workspacePath: join(folder, 'ws.db') });
    expect(report.notArray.error).toMatch(/arguments must be an array/);
    expect(report.savedWithDialog).toEqual({ result: { status: 'saved', path: savePath } });
    expect(existsSync(savePath)).toBe(true);
    expect(report.openCancelled).toEqual({ result: { status: 'cancelled' } });
    expect(report.sent).toEqual([['workbench:event:onRecentFilesChanged', [savePath]]]);
    expect(report.menuLabels).toEqual(['&File', '&Edit', '&View', '&Help']);
    expect(report.recentMenu).toEqual([savePath]);
    // File > Export: PyTorch asks for a folder with the native dialog, then the worker writes there.
    expect(report.exportedWithDialog.result).toMatchObject({ status: 'exported', format: 'pytorch', path: join(folder, 'torch'), files: [join(folder, 'torch', 'train.py')] });
    expect(existsSync(join(folder, 'torch', 'train.py'))).toBe(true);
    expect(report.importCancelled).toEqual({ result: { status: 'cancelled' } });
    expect(report.fileMenu).toContainEqual(['Export', ['ONNX…', 'PyTorch…']]);
    expect(report.fileMenu).toContainEqual(['Import ONNX…']);
    expect(report.viewMenu).toContain('toggleDevTools'); // a development build
    // The service was killed and the person chose Quit: main quits, starts no other service, reloads nothing.
    expect(report.quitAfterCrash).toEqual({ messageBoxes: ['The core service stopped'], quits: 1, reloads: 0, services: 0, exitCode: null });
    expect(report.templates).toEqual(readdirSync(join(repoRoot, 'resources/templates')).map((f) => f.replace(/\.json$/, '')).sort());
  });

  it('packaged: templates from process.resourcesPath/templates, no DevTools in the window or the menu', () => {
    // electron-builder.yml copies the templates to resources/templates; one of them stands for all here.
    const resources = join(folder, 'resources');
    mkdirSync(join(resources, 'templates'), { recursive: true });
    copyFileSync(join(repoRoot, 'resources/templates/lenet5.json'), join(resources, 'templates', 'lenet5.json'));
    const out = execFileSync(
      process.execPath,
      [join(repoRoot, 'test/service/electron-stub/drive.mjs'), join(repoRoot, 'out/main/index.js'), join(folder, 'packaged.db'), join(folder, 'packaged.json'), join(folder, 'torch2')],
      { cwd: repoRoot, encoding: 'utf8', timeout: 30_000, env: { ...process.env, STUB_PACKAGED: '1', STUB_RESOURCES: resources, CNNWB_SERVICE_NODE: '/nonexistent/node' } },
    );
    const packaged = JSON.parse(out.trim().split('\n').at(-1)!);
    expect(packaged.errors).toEqual([]);
    expect(packaged.templates).toEqual(['lenet5']);
    expect(packaged.windows[0]).toMatchObject({ devTools: false, contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect(packaged.viewMenu).not.toContain('toggleDevTools');
    // Packaged, the service is always a utilityProcess: CNNWB_SERVICE_NODE (a development aid) is ignored.
    expect(packaged.utilityForks).toEqual([join(repoRoot, 'out/main/service-worker.js')]);
  });

  it('accepts IPC only from the top frame of the app page app://workbench/index.html', () => {
    const { refusedFrom, fromAppWithHash } = report.security;
    expect(refusedFrom.web.error).toMatch(/call appInfo refused from "https:\/\/evil.example\/"/);
    // A downloaded page used to pass as a file: URL and write files through saveGraphFile.
    expect(refusedFrom.downloadedFile.error).toMatch(/call saveGraphFile refused from "file:\/\/\/home\/user\/Downloads\/evil.html"/);
    expect(existsSync(join(folder, 'saved.json.evil'))).toBe(false);
    expect(refusedFrom.appFileOnDisk.error).toMatch(/refused from "file:.*out\/renderer\/index.html"/);
    expect(refusedFrom.appPageInAFrame.error).toMatch(/refused/);
    expect(refusedFrom.otherPathOnAppOrigin.error).toMatch(/refused from "app:\/\/workbench\/evil.html"/);
    expect(fromAppWithHash.result).toMatchObject({ shell: 'electron' });
    expect(report.security.schemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
  });

  it('keeps the window on the app page: navigation, redirects, webviews and new windows are refused', () => {
    const s = report.security;
    expect(s.navigationPrevented).toEqual({
      'file:///home/user/Downloads/evil.html': true,
      'https://example.org/': true,
      'app://workbench/index.html?x=1': false,
      'app://workbench/other.html': true,
    });
    expect(s.redirectPrevented).toBe(true);
    expect(s.webviewPrevented).toBe(true);
    expect(s.windowOpen).toEqual({ https: 'deny', file: 'deny', javascript: 'deny', credentials: 'deny', custom: 'deny' });
    // Only the plain https link went to the system browser.
    expect(s.openedExternally).toEqual(['https://www.csie.ntu.edu.tw/~cjlin/papers/cnn/']);
  });

  it('grants only the clipboard write the app uses, and only to the app page', () => {
    expect(report.security.permissions).toEqual({
      clipboardFromApp: true,
      clipboardFromElsewhere: false,
      media: false,
      geolocation: false,
      notifications: false,
      openExternal: false,
      check: { clipboard: true, hid: false },
      device: false,
    });
  });

  it('serves the renderer from app:// with the CSP on every response, and nothing outside out/renderer', () => {
    const { protocol, headersReceived } = report.security;
    const csp = protocol.page.csp as string;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toMatch(/unsafe-eval/);
    expect(protocol.page).toMatchObject({ status: 200, type: 'text/html; charset=utf-8' });
    expect(protocol.page.length).toBe(readFileSync(join(repoRoot, 'out/renderer/index.html')).byteLength);
    // package.json is two folders above out/renderer: each way of climbing there is refused.
    expect(existsSync(join(repoRoot, 'package.json'))).toBe(true);
    for (const name of ['traversal', 'encodedTraversal', 'slashTraversal', 'otherHost', 'missing']) expect(protocol[name], name).toEqual({ status: 404, type: 'text/plain;charset=UTF-8', csp, length: 9 });
    // Every other response gets the same policy, replacing any the server sent.
    expect(headersReceived.responseHeaders).toEqual({ 'x-other': ['1'], 'Content-Security-Policy': [csp] });
  });
});
