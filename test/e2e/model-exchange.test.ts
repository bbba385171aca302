import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx } from '../../core/export/onnxExport';
import { decodeOnnxModel, encodeOnnxModel } from '../../core/export/onnxSchema';
import { compileGraph } from '../../core/graph/compile';
import { formatShape } from '../../core/graph/shape';
import { makeModel, template } from '../export/helpers';
import { artifactsFolder, ensureBuilt, openWorkbenchPage, startTestHost, type TestHost } from './harness';
import { edgeShapes } from './scenario';

/** File > Export / Import in a browser through the host: ONNX in, ONNX and PyTorch out. */
describe('model export and import in the app', () => {
  let host: TestHost;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const shot = (name: string) => page.screenshot({ path: join(artifactsFolder, `${name}.png`) });
  const lenet = template('lenet5');
  const compiled = compileGraph(lenet);
  const lenetShapes = Object.fromEntries(Object.entries(compiled.edgeShapes).map(([id, s]) => [id, formatShape(s)]));
  const input = compiled.network!.input;
  const notice = () => page.getByLabel('Notice').first().textContent();
  const fileMenu = (command: 'exportOnnx' | 'exportPytorch' | 'importOnnx') => page.getByRole('combobox', { name: 'Export or import a model' }).selectOption(command);
  let lenetFile = '';
  let badFile = '';
  let badNodes: string[] = [];

  /** Scores of an ONNX file on a fixed batch of raw byte images. */
  const scoresOf = async (path: string) => {
    const session = await InferenceSession.create(readFileSync(path));
    const n = 3;
    const x = Float32Array.from({ length: n * input.d * input.a * input.b }, (_, i) => (i * 37) % 256);
    const out = await session.run({ x: new Tensor('float32', x, [n, input.d, input.a, input.b]) });
    return Array.from(out.scores.data as Float32Array);
  };

  beforeAll(async () => {
    mkdirSync(artifactsFolder, { recursive: true });
    ensureBuilt();
    host = await startTestHost();
    // The file to import: LeNet-5 with seeded weights, written by core/export as `cnnwb export --onnx` does.
    const bytes = exportOnnx(makeModel(lenet, 7));
    lenetFile = join(host.folder, 'lenet.onnx');
    writeFileSync(lenetFile, bytes);
    // The same with two operators the workbench does not have.
    const bad = decodeOnnxModel(bytes);
    const activations = bad.graph!.node!.filter((n) => n.opType === 'Tanh' || n.opType === 'Relu').slice(0, 2);
    activations[0].opType = 'Elu';
    activations[1].opType = 'Selu';
    badNodes = activations.map((n) => n.name!);
    badFile = join(host.folder, 'bad.onnx');
    writeFileSync(badFile, encodeOnnxModel(bad));

    ({ browser, page } = await openWorkbenchPage(host.host.url, pageErrors, { width: 1500, height: 950, timeoutMs: 8000 }));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await host?.close();
  });

  it('refuses an ONNX file with unsupported operators, naming them, and leaves the document alone', async () => {
    await page.getByRole('combobox', { name: 'Start from a template' }).selectOption({ label: 'simpleNN 3-layer CNN' });
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(9);
    const before = await edgeShapes(page);
    const title = await page.getByLabel('Document').textContent();
    await fileMenu('importOnnx');
    const dialog = page.getByRole('dialog', { name: 'Import ONNX' });
    await dialog.getByLabel('ONNX file on the host').fill(badFile);
    await dialog.getByRole('button', { name: 'Import', exact: true }).click();
    await expect.poll(notice).toMatch(/Could not import bad\.onnx: not imported, 2 problems: Elu node .*Selu node/);
    for (const node of badNodes) expect(await notice()).toContain(`node "${node}": operator`);
    await shot('model-01-bad-onnx-refused');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await edgeShapes(page)).toEqual(before);
    expect(await page.getByLabel('Document').textContent()).toBe(title);
  });

  it('imports an ONNX file as the open graph with its shapes, undoable as one step', async () => {
    const before = await edgeShapes(page);
    await fileMenu('importOnnx');
    const dialog = page.getByRole('dialog', { name: 'Import ONNX' });
    await dialog.getByLabel('ONNX file on the host').fill(lenetFile);
    await dialog.getByRole('button', { name: 'Import', exact: true }).click();
    await expect.poll(notice).toMatch(/^Imported lenet\.onnx: 5 layers, [\d,]+ weights kept as "imported weights"/);
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(() => edgeShapes(page)).toEqual(lenetShapes);
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(lenet.nodes.length);
    await expect.poll(() => page.getByRole('status', { name: 'Trainability' }).textContent()).toBe('Ready to train');
    await expect.poll(() => page.getByTestId('total-params').textContent()).toBe(compiled.totals.paramCount.toLocaleString('en-US'));
    await page.getByRole('button', { name: 'Fit view' }).click();
    await shot('model-02-lenet-imported');
    // The Train form offers the kept weights as the starting point.
    await page.getByRole('tab', { name: 'Train', exact: true }).click();
    const fromImported = page.getByRole('tabpanel', { name: 'Train' }).getByLabel('Start from the imported weights (lenet.onnx)');
    await expect.poll(() => fromImported.isChecked()).toBe(false);
    await fromImported.check();
    await shot('model-03-train-from-imported');
    await fromImported.uncheck();
    await page.getByRole('tab', { name: 'Train', exact: true }).click();
    await page.getByRole('button', { name: 'Undo', exact: true }).click();
    await expect.poll(() => edgeShapes(page)).toEqual(before);
    await page.getByRole('button', { name: 'Redo', exact: true }).click();
    await expect.poll(() => edgeShapes(page)).toEqual(lenetShapes);
  });

  it('exports the open graph with the imported weights to ONNX, which onnxruntime runs with the same scores', async () => {
    const out = join(host.folder, 'exported.onnx');
    await fileMenu('exportOnnx');
    const dialog = page.getByRole('dialog', { name: 'Export ONNX' });
    await expect.poll(() => dialog.getByLabel('Weights').inputValue()).toBe('imported');
    await dialog.getByLabel('File on the host').fill(out);
    await shot('model-04-export-onnx-dialog');
    await dialog.getByRole('button', { name: 'Export', exact: true }).click();
    await expect.poll(notice).toContain(`Exported ONNX to ${out} (imported from lenet.onnx).`);
    expect(existsSync(out)).toBe(true);
    const [ours, original] = [await scoresOf(out), await scoresOf(lenetFile)];
    expect(ours).toHaveLength(3 * 10);
    ours.forEach((v, i) => expect(v).toBeCloseTo(original[i], 4));
  });

  it('exports a PyTorch project (train.py + weights) that Python compiles', async () => {
    const folder = join(host.folder, 'lenet-torch');
    await fileMenu('exportPytorch');
    const dialog = page.getByRole('dialog', { name: 'Export PyTorch' });
    await dialog.getByLabel('Folder on the host').fill(folder);
    await dialog.getByRole('button', { name: 'Export', exact: true }).click();
    await expect.poll(notice).toContain(`Exported PyTorch to ${folder} (imported from lenet.onnx).`);
    const manifest = JSON.parse(readFileSync(join(folder, 'weights.json'), 'utf8')) as { tensors: { name: string; count: number }[] };
    expect(manifest.tensors.map((t) => t.name)).toContain('conv1.weight');
    expect(readFileSync(join(folder, 'weights.bin')).length).toBe(4 * manifest.tensors.reduce((n, t) => n + t.count, 0));
    execFileSync('python3', ['-m', 'py_compile', join(folder, 'train.py')], { stdio: 'pipe' });
    await shot('model-05-pytorch-exported');
    expect(pageErrors).toEqual([]);
  });
});
