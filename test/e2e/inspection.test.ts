import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectControlsAtTheirCentre, expectLegible } from './geometry';
import { artifactsFolder, ensureBuilt, openWorkbenchPage, startTestHost, type TestHost } from './harness';
import { nodeLocator, setFields } from './scenario';

/**
 * Inspection you can read (issue 14): the canvas shows the training (node previews of the chosen
 * instance, ‖dW‖ sparklines, warning badges, the edge legend), the views are current (Gradients
 * after Stop, Continue) and Compare is honest — driven by visible labels, at 1280x800 and then
 * 1920x1080 on the same workspace.
 */
/** Inspections run on the float64 reference backend beside the training: seconds each on a loaded 2-core machine. */
const WAIT = { timeout: 60_000, interval: 100 };
function poll<T>(fn: () => T | Promise<T>, options: { timeout?: number } = {}) {
  return expect.poll(fn, { ...WAIT, ...options });
}

describe('inspection on the canvas and honest run views', { timeout: 240_000 }, () => {
  let host: TestHost;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const shot = (name: string) => page.screenshot({ path: join(artifactsFolder, `inspection-${name}.png`) });
  const status = () => page.getByRole('status', { name: 'Training status' }).getAttribute('data-status');
  const stepNow = async () => Number((await page.getByTestId('progress-step').textContent())!.match(/step (\d+)/)![1]);
  const tab = (name: string) => page.getByRole('tab', { name, exact: true }).click();
  const trainField = (label: string) => page.getByRole('tabpanel', { name: 'Train' }).getByLabel(label, { exact: true });
  /** The pixels of a node's first preview map (changes when the activations shown change). */
  /** What is drawn beside a node (its activation preview, ‖dW‖ sparkline, warnings). */
  const trainingView = (node: string) => page.getByLabel(`Training view of ${node}`, { exact: true });
  const previewPixels = (node: string) => trainingView(node).getByLabel(`${node} channel 0`).evaluate((c) => (c as HTMLCanvasElement).toDataURL());
  const sparkPoints = async (node: string) => Number(await trainingView(node).getByRole('img', { name: new RegExp(`^‖dW‖ of ${node} over`) }).getAttribute('data-points'));
  const lastStoredStatsStep = (runId: number) => Math.max(...host.opened.workspace.series.layerStats(runId).map((s) => s.step));
  const runIdOf = async () => Number((await page.getByRole('status', { name: 'Training status' }).textContent())!.match(/^run (\d+)/)![1]);

  async function train(name: string, epochs: string) {
    await tab('Train');
    await trainField('Epochs').fill(epochs);
    await trainField('Statistics every').fill('5');
    await trainField('Run name').fill(name);
    await page.getByRole('button', { name: 'Start' }).click();
    await poll(status).toBe('running');
  }

  beforeAll(async () => {
    mkdirSync(artifactsFolder, { recursive: true });
    ensureBuilt();
    host = await startTestHost();
    ({ browser, page } = await openWorkbenchPage(host.host.url, pageErrors, { width: 1280, height: 800, timeoutMs: 20_000 }));
    await page.getByLabel('Start from a template').selectOption('simplenn-3layer');
    await page.getByRole('status', { name: 'Trainability' }).filter({ hasText: 'Ready to train' }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
  });

  it('shows live activation previews and ‖dW‖ sparklines on the nodes while training, with the edge legend', async () => {
    // Long enough to be still running when the Gradients test stops it, however slow the tests before it.
    await train('alpha', '8');
    // Previews of the chosen instance (0) appear on every layer node, sparklines on conv/fc nodes.
    await poll(() => trainingView('conv1').getByLabel('conv1 channel 0').count()).toBe(1);
    for (const node of ['input', 'pool1', 'conv2', 'fc1']) await poll(() => trainingView(node).locator('canvas').count(), { timeout: 5000 }).toBeGreaterThan(0);
    await poll(() => sparkPoints('conv1')).toBeGreaterThan(2);
    const points = await sparkPoints('fc1');
    await poll(() => sparkPoints('fc1')).toBeGreaterThan(points);
    await poll(() => page.getByTestId('node-norm-conv2').textContent()).toMatch(/^‖dW‖ \d\.\de[-+]\d+$/);
    await poll(() => page.getByRole('group', { name: 'Edge colour legend' }).textContent()).toMatch(/^Edges: ‖dW‖ at step \d+, log scale\d\.\de[-+]\d+\d\.\de[-+]\d+$/);
    // The previews follow the training: the first checkpoint (end of epoch 1) changes the weights they use.
    const before = await previewPixels('conv1');
    await poll(() => previewPixels('conv1'), { timeout: 90_000 }).not.toBe(before);
    expect(await status()).toBe('running');
    await expectControlsAtTheirCentre(page, { scope: '.canvas-inspect' });
    await expectLegible(page, '.canvas-inspect');
    // Drawn beside the nodes at the default fit: legible, and no node control is covered by them.
    await expectLegible(page, '.node-training-bar');
    await expectControlsAtTheirCentre(page, { scope: '.react-flow__nodes .node-inspect' });
    await shot('01-live-1280');
  });

  it('follows one chosen instance everywhere: node previews, the Activations tab', async () => {
    const caption = page.getByTestId('instance-caption');
    await poll(() => caption.textContent()).toMatch(/^label \d · predicted \d$/);
    await poll(() => page.getByRole('group', { name: 'Chosen instance' }).textContent()).not.toContain('updating');
    const before = await previewPixels('conv1');
    await page.getByRole('button', { name: 'Next instance' }).click();
    await poll(() => page.getByLabel('Instance', { exact: true }).inputValue()).toBe('1');
    await poll(() => previewPixels('conv1')).not.toBe(before);
    await tab('Activations');
    await poll(() => page.getByTestId('inspection-label').textContent()).toMatch(/^instance 1: label \d, predicted \d$/);
    expect(await page.getByLabel('Sample index').inputValue()).toBe('1');
    // Chosen in the Activations tab: the canvas picker and the nodes follow.
    await page.getByLabel('Sample index').fill('4');
    const atOne = await previewPixels('conv1');
    await page.getByRole('button', { name: 'Show activations' }).click();
    await poll(() => page.getByLabel('Instance', { exact: true }).inputValue()).toBe('4');
    await poll(() => page.getByTestId('inspection-label').textContent()).toMatch(/^instance 4: /);
    await poll(() => previewPixels('conv1')).not.toBe(atOne);
    await shot('02-instance-1280');
  });

  it('shows the last recorded statistics in the Gradients tab as soon as the run stops', async () => {
    await tab('Train');
    await poll(stepNow, { timeout: 90_000 }).toBeGreaterThan(50);
    await page.getByRole('button', { name: 'Stop' }).click();
    await poll(status).toBe('stopped');
    const runId = await runIdOf();
    const last = lastStoredStatsStep(runId);
    await tab('Gradients');
    expect(last).toBeGreaterThan(45);
    // The run's last statistics (committed by the recorder after their event) are shown, within seconds.
    await poll(async () => Number(await page.getByTestId('scrubbed-step').textContent()), { timeout: 5000 }).toBe(last);
    await page.waitForTimeout(1500); // and it stays there
    expect(Number(await page.getByTestId('scrubbed-step').textContent())).toBe(last);
    await poll(() => page.getByTestId('node-norm-conv1').getAttribute('title')).toBe(`‖dW‖ of conv1 at step ${last}`);
    await shot('03-stopped-gradients');
  });

  it('continues a run from its stored steps, with its own settings in the form', async () => {
    const stopped = await stepNow();
    await tab('Train');
    // Settings the form holds now are NOT the run's: continuing must show the run's own.
    await trainField('Epochs').fill('9');
    await trainField('Learning rate').fill('0.05');
    await trainField('Run name').fill('something else');
    await tab('Runs');
    await page.getByRole('row', { name: 'Run alpha' }).getByRole('button', { name: 'Continue' }).click();
    await poll(status).toBe('running');
    expect(await page.getByRole('tabpanel', { name: 'Train' }).isVisible()).toBe(true);
    // At once: the counter is at the resumed step of epoch 2 or later (not "step 0/… · epoch 0") and the curve holds the stored steps.
    const counter = (await page.getByTestId('progress-step').textContent())!;
    expect(counter).not.toMatch(/^step 0\//);
    expect(Number(counter.match(/epoch (\d+)/)![1])).toBeGreaterThanOrEqual(1);
    await poll(async () => Number(await page.getByRole('img', { name: 'Plot: Loss' }).getAttribute('data-points'))).toBeGreaterThanOrEqual(43);
    await poll(stepNow).toBeGreaterThan(stopped);
    expect(await trainField('Run name').inputValue()).toBe('alpha');
    expect(await trainField('Epochs').inputValue()).toBe('8');
    expect(await trainField('Learning rate').inputValue()).toBe('0.001');
    await poll(async () => (await page.getByTestId('progress-step').textContent())!).toMatch(/^step \d+\/(336|344) · epoch [2-8]$/);
    await shot('04-continued');
    await page.getByRole('button', { name: 'Stop' }).click();
    await poll(status).toBe('stopped');
  });

  it('compares runs: log scale offered, identical runs told apart, only used and differing settings', async () => {
    for (const name of ['twin-a', 'twin-b']) {
      await train(name, '1');
      await poll(status, { timeout: 120_000 }).toBe('completed');
    }
    await tab('Runs');
    for (const name of ['alpha', 'twin-a', 'twin-b']) await page.getByLabel(`Choose ${name}`).check();
    await page.getByRole('button', { name: /Compare/ }).click();
    const compare = page.getByRole('dialog', { name: 'Compare runs' });
    const loss = compare.getByRole('img', { name: 'Plot: Loss per step' });
    await poll(() => loss.getAttribute('data-scale')).toBe('linear'); // the losses span less than two decades
    await compare.getByLabel('Log scale (loss per step)').check();
    await poll(() => loss.getAttribute('data-scale')).toBe('log');
    expect(await compare.getByTestId('identical-runs').textContent()).toContain('twin-b is identical to twin-a');
    const rows = compare.getByRole('table', { name: 'Hyper-parameters' }).locator('tbody tr');
    const keys = await rows.locator('th').allTextContents();
    expect(keys).toContain('config.epochs');
    expect(keys.filter((k) => /^config\.(sgd|newton)\./.test(k))).toEqual([]);
    expect(await rows.evaluateAll((trs) => trs.filter((tr) => !tr.classList.contains('differs')).length)).toBe(0);
    // No cell cut off: each shows all of its text.
    expect(await compare.locator('table.diff td, table.diff th').evaluateAll((cells) => cells.filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => c.textContent))).toEqual([]);
    await shot('05-compare');
    await expectControlsAtTheirCentre(page, { scope: '[aria-label="Compare runs"] .run-charts' });
    await compare.getByRole('button', { name: 'Close comparison' }).click();
  });

  it('shows a reopened run on the canvas at 1920x1080: previews, sparklines, legend, legible', async () => {
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.reload();
    await page.locator('.workbench[data-ready="true"]').waitFor();
    await tab('Runs');
    await page.getByRole('row', { name: 'Run alpha' }).getByRole('button', { name: 'Load into editor' }).click();
    await poll(() => trainingView('conv2').getByLabel('conv2 channel 0').count()).toBe(1);
    await poll(() => sparkPoints('conv2')).toBeGreaterThan(10);
    await poll(() => page.getByRole('group', { name: 'Edge colour legend' }).count()).toBe(1);
    await expectControlsAtTheirCentre(page, { scope: '.canvas-inspect' });
    await expectLegible(page, '.canvas-inspect');
    await expectLegible(page, '.node-training-bar');
    await expectControlsAtTheirCentre(page, { scope: '.react-flow__nodes .node-inspect' });
    await shot('06-reopened-1920');
    // Edited after the run (conv1 3 filters, the run's weights have 32): said in the panel, no failing call.
    await tab('Activations');
    await nodeLocator(page, 'conv1').click();
    await setFields(page, 'conv1', { Filters: '3' });
    await page.getByRole('button', { name: 'Show activations' }).click();
    await poll(() => page.getByRole('tabpanel', { name: 'Activations' }).getByRole('alert').textContent()).toContain('edited since run');
    await setFields(page, 'conv1', { Filters: '32' });
    await page.getByRole('button', { name: 'Show activations' }).click();
    await poll(() => page.getByTestId('inspection-label').textContent()).toMatch(/^instance \d+: /);
    expect(pageErrors).toEqual([]);
  });
});
