import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseGraphText } from '../../core/graph/parse';
import { artifactsFolder, electronBinary, ensureBuilt, repoRoot } from './harness';
import { buildThreeLayerByHand, edgeShapes, nodeLocator, setFields, THREE_LAYER_SHAPES } from './scenario';

const binary = electronBinary();
const skipReason = 'reason' in binary ? binary.reason : null;
if (skipReason) console.warn(`SKIPPED: the Electron e2e tests cannot run here: ${skipReason}. The same scenario runs against the browser host in editor.test.ts.`);

describe('workbench editor in Electron (Playwright Electron launcher)', () => {
  let folder = '';
  let app: ElectronApplication | null = null;
  let page: Page;

  const launch = async () => {
    app = await _electron.launch({
      executablePath: (binary as { path: string }).path,
      args: [join(repoRoot, 'out', 'main', 'index.js'), '--db', join(folder, 'workspace.db')],
      cwd: repoRoot,
      // As npm start does: the core service runs on this Node, whose ABI better-sqlite3 was built for.
      env: { ...process.env, CNNWB_SERVICE_NODE: process.execPath } as Record<string, string>,
    });
    page = await app.firstWindow();
    page.setDefaultTimeout(8000);
    await page.locator('.workbench[data-ready="true"]').waitFor();
  };

  beforeAll(async () => {
    if (skipReason) return;
    mkdirSync(artifactsFolder, { recursive: true });
    ensureBuilt();
    folder = mkdtempSync(join(tmpdir(), 'cnnwb-electron-'));
    await launch();
  });

  afterAll(async () => {
    await app?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it.skipIf(skipReason !== null)('exposes one typed API through the preload, and no Node', async () => {
    const exposed = await page.evaluate(() => ({
      api: typeof window.workbench?.compileGraph,
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
    }));
    expect(exposed).toEqual({ api: 'function', require: 'undefined', process: 'undefined' });
  });

  it.skipIf(skipReason !== null)('builds the 3-layer CNN by dragging and connecting, with the right shape on every edge', async () => {
    await buildThreeLayerByHand(page);
    await expect.poll(() => edgeShapes(page)).toEqual(THREE_LAYER_SHAPES);
    await page.screenshot({ path: join(artifactsFolder, 'electron-01-built.png') });
  });

  it.skipIf(skipReason !== null)('shows the error on the node, undoes and redoes', async () => {
    await nodeLocator(page, 'input').click();
    await setFields(page, 'input', { Height: '3', Width: '3' });
    await nodeLocator(page, 'conv1').click();
    await setFields(page, 'conv1', { 'Filter size': '7', Padding: '0' });
    await expect.poll(() => page.getByRole('alert', { name: 'Errors on conv1' }).textContent()).toContain('filter 7x7');
    for (let i = 0; i < 4; i++) await page.getByRole('button', { name: 'Undo', exact: true }).click();
    await expect.poll(() => edgeShapes(page)).toEqual(THREE_LAYER_SHAPES);
    for (let i = 0; i < 4; i++) await page.getByRole('button', { name: 'Redo', exact: true }).click();
    await expect.poll(() => page.getByRole('alert', { name: 'Errors on conv1' }).count()).toBe(1);
    for (let i = 0; i < 4; i++) await page.getByRole('button', { name: 'Undo', exact: true }).click();
  });

  it.skipIf(skipReason !== null)('saves through the native dialog and finds the graph again after a restart', async () => {
    const file = join(folder, 'three-layer.json');
    await app!.evaluate(({ dialog }, path) => {
      dialog.showSaveDialog = (async () => ({ canceled: false, filePath: path })) as unknown as typeof dialog.showSaveDialog;
    }, file);
    await page.getByRole('button', { name: 'Save as…' }).click();
    await expect.poll(() => page.getByRole('status', { name: 'Notice' }).textContent()).toContain(`Saved ${file}`);
    expect(parseGraphText(readFileSync(file, 'utf8')).nodes).toHaveLength(9);
    await expect.poll(() => page.getByRole('status', { name: 'Autosave' }).textContent()).toBe('Draft saved in the workspace');
    await app!.close();
    await launch();
    await expect.poll(() => edgeShapes(page)).toEqual(THREE_LAYER_SHAPES);
    await page.screenshot({ path: join(artifactsFolder, 'electron-02-restarted.png') });
  });
});
