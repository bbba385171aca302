import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../core/graph/compile';
import { parseGraphText } from '../../core/graph/parse';
import { artifactsFolder, ensureBuilt, openWorkbenchPage, repoRoot, startTestHost, type TestHost } from './harness';
import { expectLegible } from './geometry';
import { buildThreeLayerByHand, edgeShapes, nodeLocator, setFields, THREE_LAYER_PARAMS, THREE_LAYER_SHAPES } from './scenario';

describe('workbench editor in a browser, through the browser host', () => {
  let host: TestHost;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const shot = (name: string) => page.screenshot({ path: join(artifactsFolder, `${name}.png`) });

  beforeAll(async () => {
    mkdirSync(artifactsFolder, { recursive: true });
    ensureBuilt();
    host = await startTestHost();
    ({ browser, page } = await openWorkbenchPage(host.host.url, pageErrors, { width: 1500, height: 950, timeoutMs: 8000 }));
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
  });

  it('builds the simpleNN 3-layer CNN from an empty canvas by dragging and connecting', async () => {
    // The first start shows the 3-layer template; New empties the canvas.
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(9);
    await page.getByRole('button', { name: 'New', exact: true }).click();
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(0);
    await buildThreeLayerByHand(page);
    await page.getByRole('button', { name: 'Auto-layout' }).click();
    await expect.poll(() => edgeShapes(page)).toEqual(THREE_LAYER_SHAPES);
    await expect.poll(() => page.getByRole('status', { name: 'Trainability' }).textContent()).toBe('Ready to train');
    await expect.poll(() => page.getByTestId('total-params').textContent()).toBe(THREE_LAYER_PARAMS.toLocaleString('en-US'));
    await expect.poll(() => nodeLocator(page, 'conv1').textContent()).toContain('832 params');
    await shot('01-three-layer-built');
  });

  it('shows a 7x7 filter on a 3x3 input as an error on that node, and in the list that selects it', async () => {
    await nodeLocator(page, 'input').click();
    await setFields(page, 'input', { Height: '3', Width: '3' });
    await nodeLocator(page, 'conv1').click();
    await setFields(page, 'conv1', { 'Filter size': '7', Padding: '0' });
    const nodeErrors = page.getByRole('alert', { name: 'Errors on conv1' });
    await expect.poll(() => nodeErrors.textContent()).toContain('filter 7x7 is larger than its padded input 3x3');
    await expect.poll(() => page.getByRole('status', { name: 'Trainability' }).textContent()).toMatch(/^Cannot train: .*conv1.*7x7/);
    await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
    await page.getByRole('region', { name: 'Problems' }).getByRole('button', { name: /conv1.*7x7/ }).click();
    await expect.poll(() => page.getByRole('region', { name: 'Parameters of conv1' }).isVisible()).toBe(true);
    await shot('02-broken-conv1');
  });

  it('undoes and redoes every edit', async () => {
    const undo = page.getByRole('button', { name: 'Undo', exact: true });
    for (let i = 0; i < 4; i++) await undo.click();
    await expect.poll(() => edgeShapes(page)).toEqual(THREE_LAYER_SHAPES);
    await expect.poll(() => page.getByRole('alert', { name: 'Errors on conv1' }).count()).toBe(0);
    await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
    for (let i = 0; i < 4; i++) await page.keyboard.press('Control+Shift+Z');
    await expect.poll(() => page.getByRole('alert', { name: 'Errors on conv1' }).textContent()).toContain('filter 7x7');
    for (let i = 0; i < 4; i++) await page.keyboard.press('Control+Z');
    await expect.poll(() => edgeShapes(page)).toEqual(THREE_LAYER_SHAPES);
    await shot('03-after-undo');
  });

  it('saves the graph as a file in the documented format', async () => {
    const file = join(host.folder, 'three-layer.json');
    await page.getByRole('button', { name: 'Save as…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save graph file' });
    await dialog.getByLabel('Path on the host').fill(file);
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.getByRole('status', { name: 'Notice' }).textContent()).toContain(`Saved ${file}`);
    const saved = parseGraphText(readFileSync(file, 'utf8'));
    const compiled = compileGraph(saved);
    expect(compiled.ok).toBe(true);
    expect(compiled.totals.paramCount).toBe(THREE_LAYER_PARAMS);
    expect(saved.nodes.map((n) => n.name).sort()).toEqual(['conv1', 'conv2', 'conv3', 'fc1', 'input', 'output', 'pool1', 'pool2', 'pool3']);
    await expect.poll(() => page.getByLabel('Document').textContent()).toBe('three-layer.json');
  });

  it('finds the graph as it was after a reload (autosave in the workspace)', async () => {
    await nodeLocator(page, 'fc1').click();
    await setFields(page, 'fc1', { Activation: 'tanh' });
    await expect.poll(() => page.getByRole('status', { name: 'Autosave' }).textContent()).toBe('Draft saved in the workspace');
    const before = await edgeShapes(page);
    const positionsBefore = await page.locator('.react-flow__node').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-id')} ${(e as HTMLElement).style.transform}`).sort());
    await page.reload();
    await page.locator('.workbench[data-ready="true"]').waitFor();
    await expect.poll(() => edgeShapes(page)).toEqual(before);
    await expect.poll(() => nodeLocator(page, 'fc1').textContent()).toContain('tanh');
    await expect.poll(() => page.getByLabel('Document').textContent()).toBe('three-layer.json •');
    const positionsAfter = await page.locator('.react-flow__node').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-id')} ${(e as HTMLElement).style.transform}`).sort());
    expect(positionsAfter).toEqual(positionsBefore);
    expect(positionsAfter).toHaveLength(9);
    await shot('04-after-reload');
  });

  it('opens a malformed graph file with a clear error and changes nothing else', async () => {
    const bad = join(host.folder, 'bad.json');
    writeFileSync(bad, '{"format": "cnnwb-graph", "version": 1, "nodes": [], "edges": [ {"id": "e1"} ]}');
    const before = await edgeShapes(page);
    await page.getByRole('button', { name: 'Open…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Open graph file' });
    await dialog.getByLabel('Path on the host').fill(bad);
    await dialog.getByRole('button', { name: 'Open', exact: true }).click();
    const alert = page.getByRole('alert', { name: 'Notice' });
    await expect.poll(() => alert.textContent()).toContain('Could not open bad.json');
    await expect.poll(() => alert.textContent()).toContain('edges[0].source');
    expect(await edgeShapes(page)).toEqual(before);
    await expect.poll(() => page.getByLabel('Document').textContent()).toBe('three-layer.json •');
    await shot('05-malformed-file');
  });
  it('works from the keyboard: add after the selection, connect handles, copy, paste, delete', async () => {
    await page.getByRole('button', { name: 'New', exact: true }).click();
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(0);
    // Enter on palette items: each new node follows (and is connected from) the selected one.
    for (const kind of ['Input', 'Convolution', 'Pooling', 'Fully connected', 'Output / loss']) {
      await page.getByRole('button', { name: `Add ${kind}` }).focus();
      await page.keyboard.press('Enter');
    }
    await expect.poll(() => edgeShapes(page)).toEqual({ 'e-input-conv1': '1x28x28', 'e-conv1-pool1': '32x28x28', 'e-pool1-fc1': '32x14x14', 'e-fc1-output': '10' });
    await expect.poll(() => page.getByRole('status', { name: 'Trainability' }).textContent()).toBe('Ready to train');
    // A separate activation, connected by Enter on an output handle then on an input handle.
    await page.getByRole('button', { name: 'Add Activation' }).dragTo(page.locator('.react-flow__pane'), { targetPosition: { x: 600, y: 120 } });
    await page.getByRole('button', { name: 'act1 output', exact: true }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'fc1 input', exact: true }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('alert', { name: 'Errors on fc1' }).textContent()).toContain('has two inputs');
    await page.getByRole('button', { name: 'Undo', exact: true }).click();
    await expect.poll(() => page.getByRole('alert', { name: 'Errors on fc1' }).count()).toBe(0);
    // Copy the selected activation, paste a copy, delete it again.
    await nodeLocator(page, 'act1', 'Activation').click();
    await page.keyboard.press('Control+C');
    await page.keyboard.press('Control+V');
    await expect.poll(() => nodeLocator(page, 'act2', 'Activation').count()).toBe(1);
    await page.keyboard.press('Delete');
    await expect.poll(() => nodeLocator(page, 'act2', 'Activation').count()).toBe(0);
    expect(await nodeLocator(page, 'act1', 'Activation').count()).toBe(1);
    await shot('06-keyboard');
  });

  it('starts from a template, toggles the mini-map and fits the view', async () => {
    await page.getByRole('combobox', { name: 'Start from a template' }).selectOption({ label: 'LeNet-5' });
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(9);
    await expect.poll(() => page.getByRole('status', { name: 'Trainability' }).textContent()).toBe('Ready to train');
    await expect.poll(() => page.getByRole('img', { name: 'Mini-map' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Mini-map' }).click();
    await expect.poll(() => page.getByRole('img', { name: 'Mini-map' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Mini-map' }).click();
    const allNodesInView = async () => {
      const pane = (await page.locator('.react-flow__pane').boundingBox())!;
      const boxes = await page.locator('.react-flow__node').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as DOMRect));
      return boxes.every((b) => b.left >= pane.x && b.right <= pane.x + pane.width && b.top >= pane.y && b.bottom <= pane.y + pane.height);
    };
    for (let i = 0; i < 2; i++) await page.getByRole('button', { name: 'Zoom In' }).click();
    await expect.poll(allNodesInView).toBe(false);
    // Fit view shows the whole graph where it fits at legible text, else its start: the input, with text >= 11 px.
    await page.getByRole('button', { name: 'Fit view' }).click();
    const inputInView = async () => {
      const pane = (await page.locator('.react-flow__pane').boundingBox())!;
      const b = (await nodeLocator(page, 'input').boundingBox())!;
      return b.x >= pane.x && b.x + b.width <= pane.x + pane.width && b.y >= pane.y && b.y + b.height <= pane.y + pane.height;
    };
    await expect.poll(inputInView).toBe(true);
    await expectLegible(page, '.react-flow__node');
    await shot('07-lenet5-template');
    // Undo brings back the previous graph (a template replaces the document as one step).
    await page.getByRole('button', { name: 'Undo', exact: true }).click();
    await expect.poll(() => nodeLocator(page, 'act1', 'Activation').count()).toBe(1);
  });
  it('validates parameters as they are typed, keeping bad text out of the document', async () => {
    await nodeLocator(page, 'conv1', 'Convolution').click();
    const panel = page.getByRole('region', { name: 'Parameters of conv1' });
    const filters = panel.getByLabel('Filters', { exact: true });
    const before = await edgeShapes(page);
    await filters.fill('6x');
    await expect.poll(() => panel.getByRole('alert').textContent()).toBe('Filters must be a whole number ≥ 1');
    await expect.poll(() => filters.getAttribute('aria-invalid')).toBe('true');
    expect(await edgeShapes(page)).toEqual(before);
    await filters.fill('16');
    await expect.poll(() => panel.getByRole('alert').count()).toBe(0);
    await expect.poll(() => edgeShapes(page)).toMatchObject({ 'e-conv1-pool1': '16x28x28' });
    await filters.press('Tab');
  });

  it('opens an uploaded graph file (browser upload)', async () => {
    await page.getByRole('button', { name: 'Open…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Open graph file' });
    await dialog.getByLabel('Upload a graph file').setInputFiles(join(repoRoot, 'resources', 'templates', 'simplenn-7layer.json'));
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(12);
    await expect.poll(() => page.getByRole('status', { name: 'Notice' }).textContent()).toContain('Opened simplenn-7layer.json');
    await expect.poll(() => page.getByRole('status', { name: 'Trainability' }).textContent()).toBe('Ready to train');
  });

  it('raised no uncaught error and logged no console error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
