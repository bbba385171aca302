import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CALL_NAMES } from '../../core/api/contract';
import { ensureBuilt } from '../e2e/harness';
import { repoRoot } from './fixtures';

// No Electron binary runs here, so the built main process runs in plain Node against a recording
// stand-in for the `electron` module (electron-stub/). This checks main's own wiring: the window's
// security settings, one IPC handler per contract call, sender checks, native dialogs in front of
// the service worker, the menu. The real Electron run is test/e2e/electron.test.ts.
describe('Electron main process (built), on a stub of the electron module', () => {
  const folder = mkdtempSync(join(tmpdir(), 'cnnwb-main-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('wires window, IPC, dialogs and menu to the service worker', () => {
    ensureBuilt();
    const savePath = join(folder, 'saved.json');
    const out = execFileSync(
      process.execPath,
      [join(repoRoot, 'test/service/electron-stub/drive.mjs'), join(repoRoot, 'out/main/index.js'), join(folder, 'ws.db'), savePath, join(folder, 'torch')],
      { cwd: repoRoot, encoding: 'utf8', timeout: 30_000 },
    );
    const report = JSON.parse(out.trim().split('\n').at(-1)!);
    expect(report.exitCode).toBeNull();
    expect(report.errors).toEqual([]);
    expect(report.channels).toEqual(CALL_NAMES.map((n) => `workbench:call:${n}`).sort());
    expect(report.windows).toEqual([
      { preload: join(repoRoot, 'out/preload/index.cjs'), contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true },
    ]);
    expect(existsSync(report.windows[0].preload)).toBe(true);
    expect(report.loaded).toEqual([join(repoRoot, 'out/renderer/index.html')]);
    expect(report.appInfo.result).toMatchObject({ shell: 'electron', nativeDialogs: true, workspacePath: join(folder, 'ws.db') });
    expect(report.refused.error).toMatch(/call appInfo refused from "https:\/\/evil.example\/"/);
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
  });
});
