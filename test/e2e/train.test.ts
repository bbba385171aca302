import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactsFolder, ensureBuilt, openWorkbenchPage, repoRoot, startTestHost, type TestHost } from './harness';
import { nodeLocator, panToNode } from './scenario';

/**
 * Training and inspection in the app, through the browser host: train the simpleNN 3-layer
 * template on the Fashion-MNIST sample, watch the curves, pause/resume/stop, inspect gradients,
 * check a layer's gradient, open the vector form, then find the runs again after a reload.
 */
/** Server-side work (loading data, starting a worker) takes seconds on a loaded 2-core machine. */
const WAIT = { timeout: 20_000, interval: 50 };
function poll<T>(fn: () => T | Promise<T>, options: { timeout?: number } = {}) {
  return expect.poll(fn, { ...WAIT, ...options });
}

describe('train and inspect in the browser', () => {
  let host: TestHost;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const shot = (name: string) => page.screenshot({ path: join(artifactsFolder, `train-${name}.png`) });
  const status = () => page.getByRole('status', { name: 'Training status' }).getAttribute('data-status');
  const stepNow = async () => Number((await page.getByTestId('progress-step').textContent())!.match(/step (\d+)/)![1]);
  const lossPoints = async () => Number(await page.getByRole('img', { name: 'Plot: Loss' }).getAttribute('data-points'));
  const tab = (name: string) => page.getByRole('tab', { name, exact: true }).click();
  const fill = async (label: string, value: string) => page.getByRole('tabpanel', { name: 'Train' }).getByLabel(label, { exact: true }).fill(value);

  /** Median and worst time from a click on a dock tab to the next frame after the panel shows, over n clicks. */
  async function tabSwitchLatency(n: number): Promise<{ median: number; max: number; samples: number[] }> {
    await page.evaluate(() => {
      const w = window as unknown as { __latency: number[]; __clickAt: number };
      w.__latency = [];
      w.__clickAt = 0;
      document.addEventListener('click', (e) => (w.__clickAt = e.timeStamp), true);
      new MutationObserver(() => {
        if (!w.__clickAt) return;
        const at = w.__clickAt;
        w.__clickAt = 0;
        requestAnimationFrame(() => w.__latency.push(performance.now() - at));
      }).observe(document.querySelector('.dock')!, { attributes: true, subtree: true, attributeFilter: ['hidden'] });
    });
    for (let i = 0; i < n; i++) {
      await tab(i % 2 === 0 ? 'Runs' : 'Train');
      await poll(() => page.evaluate(() => (window as unknown as { __latency: number[] }).__latency.length)).toBe(i + 1);
    }
    const samples = await page.evaluate(() => (window as unknown as { __latency: number[] }).__latency);
    await tab('Train');
    const sorted = [...samples].sort((a, b) => a - b);
    return { median: sorted[Math.floor(sorted.length / 2)], max: sorted[sorted.length - 1], samples };
  }

  /**
   * Median and worst time from a key press in conv1's Filters field (the value goes into the
   * document at once: compile, node summary, autosave) to the next frame after conv1's summary
   * changed, over n presses alternating Backspace and "2" (32 -> 3 -> 32 ...).
   */
  async function typingLatency(n: number): Promise<{ median: number; max: number; samples: number[] }> {
    await nodeLocator(page, 'conv1').click();
    const field = page.getByRole('region', { name: 'Parameters of conv1' }).getByLabel('Filters', { exact: true });
    await field.click();
    await field.press('End');
    await page.evaluate(() => {
      const w = window as unknown as { __typing: number[]; __keyAt: number };
      w.__typing = [];
      w.__keyAt = 0;
      document.addEventListener('keydown', (e) => (w.__keyAt = e.timeStamp), true);
      const node = document.querySelector('[data-node-id="conv1"] .layer-node-params')!;
      new MutationObserver(() => {
        if (!w.__keyAt) return;
        const at = w.__keyAt;
        w.__keyAt = 0;
        requestAnimationFrame(() => w.__typing.push(performance.now() - at));
      }).observe(node, { characterData: true, childList: true, subtree: true });
    });
    for (let i = 0; i < n; i++) {
      await field.press(i % 2 === 0 ? 'Backspace' : '2');
      await poll(() => page.evaluate(() => (window as unknown as { __typing: number[] }).__typing.length)).toBe(i + 1);
    }
    expect(await field.inputValue()).toBe('32');
    await field.press('Tab');
    const samples = await page.evaluate(() => (window as unknown as { __typing: number[] }).__typing);
    const sorted = [...samples].sort((a, b) => a - b);
    return { median: sorted[Math.floor(sorted.length / 2)], max: sorted[sorted.length - 1], samples };
  }

  beforeAll(async () => {
    mkdirSync(artifactsFolder, { recursive: true });
    ensureBuilt();
    host = await startTestHost();
    ({ browser, page } = await openWorkbenchPage(host.host.url, pageErrors, { width: 1600, height: 1000, timeoutMs: 15_000 }));
    await page.getByLabel('Start from a template').selectOption('simplenn-3layer');
    await page.getByRole('status', { name: 'Trainability' }).filter({ hasText: 'Ready to train' }).waitFor();
    await tab('Train'); // the dock starts closed
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
  });

  it('previews the sample with class counts and lists the backends', async () => {
    await poll(() => page.getByTestId('data-count').textContent()).toBe('3000');
    await poll(() => page.getByRole('table', { name: 'Class counts' }).locator('tr').count()).toBe(10);
    const backends = await page.getByLabel('Backend').locator('option').allTextContents();
    expect(backends.some((b) => b.startsWith('reference'))).toBe(true);
    // Import: a folder of IDX files on the host, previewed before training.
    await page.getByLabel('Data', { exact: true }).selectOption('path');
    await page.getByLabel('Data path').fill(join(repoRoot, 'resources', 'data', 'fashion-mnist-sample'));
    await page.getByRole('button', { name: 'Preview' }).click();
    await poll(() => page.getByLabel('Data preview').textContent()).toMatch(/^IDX .*train-images-idx3-ubyte\.gz/);
    expect(await page.getByLabel('Data preview').locator('canvas').count()).toBe(8);
    await page.getByLabel('Data', { exact: true }).selectOption('sample');
    await poll(() => page.getByLabel('Data preview').textContent()).toMatch(/^Fashion-MNIST sample train/);
  });

  it('trains the 3-layer template on the sample: curves move, pause holds, resume continues, stop ends; the UI stays responsive', async () => {
    const idle = await tabSwitchLatency(10);
    expect(await page.getByLabel('Optimizer').inputValue()).toBe('adam');
    await fill('Epochs', '3');
    await fill('Batch size', '32');
    await fill('Statistics every', '5');
    await fill('Run name', 'first');
    await page.getByRole('button', { name: 'Start' }).click();
    await poll(status).toBe('running');
    await poll(stepNow).toBeGreaterThan(5);
    await poll(async () => (await page.getByTestId('progress-step').textContent())!).toMatch(/^step \d+\/(252|255) · epoch 1$/);
    const before = await lossPoints();
    await poll(lossPoints).toBeGreaterThan(before + 3);
    // The backend that ran, by name (its description may say why auto chose it).
    expect(await page.getByTestId('backend-used').textContent()).toMatch(/^backend: (?!auto\b)[\w-]+ \(/);
    await poll(async () => /\d+ images\/s/.test((await page.getByTestId('images-per-sec').textContent()) ?? '')).toBe(true);
    // While training, the edges already show gradient norms (refetched from the store as they arrive).
    await poll(() => page.locator('[data-testid^="edge-norm-"]').count()).toBeGreaterThan(3);
    const busy = await tabSwitchLatency(20);
    const typing = await typingLatency(20);
    expect(await status()).toBe('running'); // both figures were taken while training
    await shot('01-training');
    writeFileSync(join(artifactsFolder, 'train-input-latency.json'), JSON.stringify({ idle, whileTraining: busy, typingWhileTraining: typing }, null, 2));
    console.log(
      `tab-switch latency: idle median ${idle.median.toFixed(1)} ms (max ${idle.max.toFixed(1)}), while training median ${busy.median.toFixed(1)} ms (max ${busy.max.toFixed(1)}); ` +
        `typing into a node parameter while training: median ${typing.median.toFixed(1)} ms (max ${typing.max.toFixed(1)})`,
    );
    expect(busy.median).toBeLessThan(100);
    expect(typing.median).toBeLessThan(100);

    await page.getByRole('button', { name: 'Pause' }).click();
    await poll(status).toBe('paused');
    const paused = await stepNow();
    await page.waitForTimeout(700);
    expect(await stepNow()).toBe(paused);
    await page.getByRole('button', { name: 'Resume' }).click();
    await poll(status).toBe('running');
    await poll(stepNow).toBeGreaterThan(paused + 2);
    await page.getByRole('button', { name: 'Stop' }).click();
    await poll(status).toBe('stopped');
    await shot('02-stopped');
  });

  it('shows gradient norms over time, histograms, a time scrubber and edges coloured by gradient norm', async () => {
    await tab('Gradients');
    const plot = page.getByRole('img', { name: /Plot: Gradient norms/ });
    await poll(async () => Number(await plot.getAttribute('data-points'))).toBeGreaterThan(2);
    await poll(() => page.locator('[data-testid^="edge-norm-"]').count()).toBeGreaterThan(3);
    const latest = await page.getByTestId('scrubbed-step').textContent();
    await page.getByLabel('Time scrubber').fill('0');
    await poll(() => page.getByTestId('scrubbed-step').textContent()).toBe('1');
    expect(latest).not.toBe('1');
    await poll(() => page.getByLabel('Warning thresholds').textContent()).toContain('vanishing when');
    await shot('03-gradients');
  });

  it('runs a gradient check on a node and shows a small relative error on it', async () => {
    await panToNode(page, 'fc1');
    await nodeLocator(page, 'fc1').getByRole('button', { name: 'Gradient check fc1' }).click();
    const result = page.getByRole('status', { name: 'Gradient check result fc1' });
    await poll(() => result.textContent(), { timeout: 60_000 }).toMatch(/rel\. error/);
    const error = Number((await result.textContent())!.replace('rel. error ', ''));
    expect(error).toBeLessThan(1e-6);
    // The side panel lists every probe: 6 entries and 3 random directions for each of W and b.
    await nodeLocator(page, 'fc1').click();
    const probes = page.getByRole('table', { name: 'Gradient probes of fc1' });
    await poll(() => probes.locator('tbody tr').count()).toBe(18);
    expect(await probes.locator('tbody tr').first().textContent()).toMatch(/^W e\d+/);
    await shot('04-gradient-check');
  });

  it('opens the vector-form view of conv2 with the lecture dimensions and the patch index map on hover', async () => {
    await panToNode(page, 'conv2');
    await nodeLocator(page, 'conv2').getByRole('button', { name: 'Vector form of conv2' }).click();
    const dialog = page.getByRole('dialog', { name: 'Vector form of conv2' });
    await poll(() => dialog.getByTestId('dims-phiPadZ').textContent(), { timeout: 30_000 }).toBe('288 × 196');
    expect(await dialog.getByTestId('dims-padZ').textContent()).toBe('32 × 256');
    expect(await dialog.getByTestId('dims-W').textContent()).toBe('64 × 288');
    expect(await dialog.getByTestId('dims-S').textContent()).toBe('64 × 196');
    expect(await dialog.getByTestId('dims-dS').textContent()).toBe('64 × 196');
    expect(await dialog.getByTestId('dims-dW').textContent()).toBe('64 × 288');
    const phi = dialog.getByLabel('φ(pad(Zᵐ))', { exact: true });
    const box = (await phi.boundingBox())!;
    await page.mouse.move(box.x + box.width * (20.5 / 196), box.y + box.height / 2);
    await poll(() => dialog.getByTestId('hovered-column').textContent()).toContain('column 20 = (p, q) = (6, 1) reads 288 entries');
    await shot('05-vector-form');
    await dialog.getByRole('button', { name: 'Close vector form' }).click();
  });

  it('shows activation maps of every layer and the conv filters for a chosen instance', async () => {
    await tab('Activations');
    await page.getByLabel('Sample index').fill('3');
    await page.getByRole('button', { name: 'Show activations' }).click();
    await poll(() => page.getByTestId('inspection-label').textContent(), { timeout: 30_000 }).toMatch(/^instance 3: label \d, predicted \d$/);
    for (const layer of ['input', 'conv1', 'pool1', 'conv2', 'pool3', 'fc1']) expect(await page.getByLabel(`Activations of ${layer}`).count(), layer).toBe(1);
    expect(await page.getByLabel('Filters of conv1').locator('canvas').count()).toBe(32);
    await shot('06-activations');
  });

  it('trains a second run to completion, finds both after a reload, opens one and compares them', async () => {
    await tab('Train');
    await fill('Epochs', '1');
    await fill('Learning rate', '0.002');
    await fill('Run name', 'second');
    await page.getByRole('button', { name: 'Start' }).click();
    await poll(() => page.getByRole('status', { name: 'Training status' }).textContent()).toBe('run 2: running');
    await poll(stepNow).toBeGreaterThan(5);
    // A reload while training: the dashboard follows the run again, with its curve so far.
    await page.reload();
    await page.locator('.workbench[data-ready="true"]').waitFor();
    await tab('Train');
    await poll(async () => (await page.getByRole('status', { name: 'Training status' }).textContent()) ?? '', { timeout: 10_000 }).toMatch(/^run \d+: (running|completed)$/);
    await poll(lossPoints).toBeGreaterThan(5);
    await poll(status, { timeout: 90_000 }).toBe('completed');
    await poll(() => page.getByTestId('test-accuracy').textContent()).toMatch(/test accuracy \d+\.\d+%/);

    await page.reload();
    await page.locator('.workbench[data-ready="true"]').waitFor();
    expect(await page.getByRole('tabpanel', { name: 'Runs' }).isHidden()).toBe(true);
    await tab('Runs');
    const rows = page.getByRole('table', { name: 'Runs list' }).locator('tbody tr');
    await poll(() => rows.count()).toBe(2);
    const second = page.getByRole('row', { name: 'Run second' });
    expect(await second.textContent()).toContain('completed');
    expect(await page.getByRole('row', { name: 'Run first' }).textContent()).toContain('stopped');
    await second.getByRole('button', { name: 'Open' }).click();
    const run = page.getByRole('dialog', { name: 'Run second' });
    await poll(() => run.getByTestId('evaluation-accuracy').textContent()).toMatch(/\d+\.\d+%/);
    await poll(() => run.getByRole('table', { name: 'Confusion matrix' }).locator('tbody tr').count()).toBe(10);
    await poll(() => run.getByLabel('Misclassified examples').locator('canvas').count()).toBeGreaterThan(0);
    await poll(() => run.getByLabel('Misclassified examples').locator('figcaption').first().textContent()).toMatch(/^#\d+: [A-Z][\w/ -]+ → [A-Z][\w/ -]+$/);
    await shot('07-run');
    await run.getByRole('button', { name: 'Close run' }).click();

    await page.getByLabel('Choose first').check();
    await page.getByLabel('Choose second').check();
    await page.getByRole('button', { name: /Compare/ }).click();
    const compare = page.getByRole('dialog', { name: 'Compare runs' });
    const differing = () => compare.getByRole('table', { name: 'Hyper-parameters' }).locator('tr.differs th').allTextContents();
    await poll(differing).toEqual(expect.arrayContaining(['config.epochs', 'config.adam.lr']));
    expect(await compare.getByRole('table', { name: 'Graph' }).locator('tr.differs').count()).toBe(0);
    await shot('08-compare');
    await compare.getByRole('button', { name: 'Close comparison' }).click();
  });

  it('renames a run, reloads its graph and weights into the editor and continues it', async () => {
    const first = page.getByRole('row', { name: 'Run first' });
    await first.getByRole('button', { name: 'Rename' }).click();
    await page.getByLabel('New name for first').fill('baseline');
    await page.getByLabel('New name for first').press('Enter');
    const baseline = page.getByRole('row', { name: 'Run baseline' });
    await poll(() => baseline.count()).toBe(1);
    await baseline.getByRole('button', { name: 'Load into editor' }).click();
    await poll(() => page.getByRole('status', { name: 'Runs notice' }).textContent()).toContain('inspections now use its latest checkpoint');
    await baseline.getByRole('button', { name: 'Continue' }).click();
    await poll(status).toBe('running');
    await page.getByRole('button', { name: 'Stop' }).click();
    await poll(status).toBe('stopped');
    expect(pageErrors).toEqual([]);
  });
});
