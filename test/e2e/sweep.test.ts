import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectControlsAtTheirCentre, expectLegible, expectNoHorizontalOverflow, expectNoOverlap, PANELS } from './geometry';
import { artifactsFolder, ensureBuilt, openWorkbenchPage, startTestHost, type TestHost } from './harness';

/**
 * A sweep in the app, through the browser host, driven by visible labels: build a 4-trial grid on
 * the 3-layer template (made small: 2 or 4 filters), watch the results table fill, sort it, open
 * the parallel-coordinates view and the scatter, load a trial's run into the editor. Geometry and
 * legibility at 1280x800 and 1920x1080.
 */
const WAIT = { timeout: 30_000, interval: 100 };

describe('a sweep in the browser', () => {
  let host: TestHost;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const shot = (name: string) => page.screenshot({ path: join(artifactsFolder, `sweep-${name}.png`) });
  const tab = (name: string) => page.getByRole('tab', { name, exact: true }).click();
  const sweepPanel = () => page.getByRole('tabpanel', { name: 'Sweep' });
  const rows = () => page.getByRole('table', { name: 'Sweep results' }).locator('tbody tr');

  async function expectSoundLayout() {
    await expectControlsAtTheirCentre(page, { scope: '.sweep-panel' });
    await expectNoHorizontalOverflow(page, [...PANELS, '.sweep-panel', '.sweep-builder', '.sweep-chart']);
    await expectNoOverlap(page, ['.sweep-builder', '.sweep-results']);
    await expectLegible(page, '.sweep-panel');
    // the plots are drawn at least at their own size, so their 11 px ticks stay 11 px
    const scale = await page.locator('.sweep-plot').evaluate((svg) => svg.getBoundingClientRect().width / (svg as SVGSVGElement).viewBox.baseVal.width);
    expect(scale).toBeGreaterThanOrEqual(0.999);
  }

  beforeAll(async () => {
    mkdirSync(artifactsFolder, { recursive: true });
    ensureBuilt();
    host = await startTestHost();
    ({ browser, page } = await openWorkbenchPage(host.host.url, pageErrors, { width: 1280, height: 800, timeoutMs: 15_000 }));
    await page.getByLabel('Start from a template').selectOption('simplenn-3layer');
    await page.getByRole('status', { name: 'Trainability' }).filter({ hasText: 'Ready to train' }).waitFor();
    await tab('Train');
    const train = page.getByRole('tabpanel', { name: 'Train' });
    await train.getByLabel('Epochs', { exact: true }).fill('1');
    await train.getByLabel('Batch size', { exact: true }).fill('64');
    await train.getByLabel('Statistics every', { exact: true }).fill('0');
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
  });

  it('refuses a bad sweep in one line naming the dimension and value', async () => {
    await tab('Sweep');
    const panel = sweepPanel();
    await panel.getByLabel('Dimension 1', { exact: true }).selectOption('conv1.size');
    await panel.getByLabel('Values of dimension 1').fill('5, 40');
    await panel.getByRole('button', { name: 'Start sweep' }).click();
    await expect.poll(() => panel.getByRole('alert', { name: 'Sweep error' }).textContent(), WAIT).toMatch(/^conv1\.size=40: the graph breaks: convolution node "conv1"/);
    expect(await page.evaluate(() => document.querySelectorAll('[aria-label="Sweep results"] tbody tr').length)).toBe(0);
    // the host answers a refused call with HTTP 500 and the service's message: that, and nothing else
    await expect.poll(() => pageErrors.length).toBe(2);
    expect(pageErrors.some((e) => e.startsWith('500 from /api/call/startSweep: {"error":"conv1.size=40: the graph breaks'))).toBe(true);
    pageErrors.length = 0;
  });

  it('builds a 4-trial grid by its labels and fills the table as the trials end', async () => {
    const panel = sweepPanel();
    await panel.getByLabel('Dimension 1', { exact: true }).selectOption('conv1.filters');
    await panel.getByLabel('Values of dimension 1').fill('2, 4');
    const add = async (name: string, values: string, n: number) => {
      await panel.getByRole('button', { name: 'Add dimension' }).click();
      await panel.getByLabel(`Dimension ${n}`, { exact: true }).selectOption(name);
      await panel.getByLabel(`Values of dimension ${n}`).fill(values);
    };
    await add('lr', '0.001, 0.003', 2);
    await add('conv2.filters', '4', 3);
    await add('conv3.filters', '4', 4);
    await panel.getByLabel('Early stopping').selectOption('none');
    await panel.getByRole('button', { name: 'Start sweep' }).click();
    await expect.poll(() => rows().count(), WAIT).toBe(4);
    await expect.poll(() => panel.locator('tbody tr[data-state="running"]').count(), WAIT).toBe(1);
    await shot('01-running-1280');
    await expect.poll(() => panel.locator('tbody tr[data-state="finished"]').count(), { timeout: 240_000, interval: 250 }).toBe(4);
    await expect.poll(() => panel.getByRole('status', { name: 'Sweep status' }).getAttribute('data-status'), WAIT).toBe('completed');
    const header = await page.getByRole('table', { name: 'Sweep results' }).locator('thead th').allTextContents();
    expect(header.slice(0, 8).map((h) => h.replace(/ [▴▾]$/, ''))).toEqual(['Trial', 'State', 'Best val.', 'Test', 'conv1.filters', 'lr', 'conv2.filters', 'conv3.filters']);
    expect(await rows().first().textContent()).toMatch(/^1finished\d+\.\d\d%\d+\.\d\d%20\.00144/);
    // the runs list shows each run's sweep and trial
    await tab('Runs');
    await expect.poll(() => page.getByRole('table', { name: 'Runs list' }).locator('tbody tr').filter({ hasText: /1 \(trial \d\)/ }).count(), WAIT).toBe(4);
    await tab('Sweep');
  });

  it('sorts by best validation accuracy, shows the parallel coordinates and the scatter, and loads a trial into the editor', async () => {
    const panel = sweepPanel();
    await panel.getByRole('button', { name: 'Best val.' }).click();
    await expect.poll(() => panel.getByRole('columnheader', { name: /Best val\./ }).getAttribute('aria-sort')).toBe('descending');
    const accuracies = (await rows().evaluateAll((trs) => trs.map((tr) => tr.children[2].textContent!))).map((t) => Number(t.replace('%', '')));
    expect(accuracies).toEqual([...accuracies].sort((a, b) => b - a));
    await panel.getByRole('button', { name: 'Best val.' }).click();
    await expect.poll(() => panel.getByRole('columnheader', { name: /Best val\./ }).getAttribute('aria-sort')).toBe('ascending');
    await panel.getByRole('button', { name: 'Best val.' }).click();

    await expect.poll(() => panel.getByRole('img', { name: /^Scatter of best validation accuracy against conv1\.filters/ }).getAttribute('data-points')).toBe('4');
    await panel.getByLabel('Scatter x').selectOption('lr');
    await expect.poll(() => panel.getByRole('img', { name: /against lr$/ }).locator('circle').count()).toBe(4);
    await shot('02-sorted-scatter-1280');
    await panel.getByRole('tab', { name: 'Parallel coordinates' }).click();
    const parallel = panel.getByRole('img', { name: 'Parallel coordinates' });
    await expect.poll(() => parallel.getAttribute('data-lines')).toBe('4');
    expect(await parallel.locator('polyline').count()).toBe(4);
    expect(await parallel.locator('.sweep-axis-title').allTextContents()).toEqual(['conv1.filters', 'lr', 'conv2.filters', 'conv3.filters', 'best val.']);
    await shot('03-parallel-1280');
    await expectSoundLayout();

    const best = rows().first();
    const [trial, filters, lr] = await best.evaluate((tr) => [0, 4, 5].map((i) => tr.children[i].textContent!));
    await best.getByRole('button', { name: `Load trial ${trial} into editor` }).click();
    await expect.poll(() => panel.getByRole('status', { name: 'Sweep notice' }).textContent(), WAIT).toMatch(/^Loaded run \d+: its graph is in the editor/);
    await expect.poll(() => page.locator('.status-bar').textContent(), WAIT).toMatch(/Loaded the graph of run trial-\d/);
    await expect.poll(() => page.locator('[data-node-id="conv1"] .layer-node-params').textContent(), WAIT).toMatch(new RegExp(`^${filters} filters `));
    await tab('Train');
    expect(await page.getByRole('tabpanel', { name: 'Train' }).getByLabel('Learning rate', { exact: true }).inputValue()).toBe(lr);
    await tab('Sweep');
  });

  it('stops a sweep, continues its stopped trial in the Train tab, then continues the sweep without repeating it', async () => {
    const panel = sweepPanel();
    for (let n = 4; n > 1; n--) await panel.getByRole('button', { name: `Remove dimension ${n}` }).click();
    await panel.getByLabel('Dimension 1', { exact: true }).selectOption('lr');
    await panel.getByLabel('Values of dimension 1').fill('0.002, 0.004');
    await tab('Train');
    await page.getByRole('tabpanel', { name: 'Train' }).getByLabel('Epochs', { exact: true }).fill('3');
    await tab('Sweep');
    await panel.getByRole('button', { name: 'Start sweep' }).click();
    await expect.poll(() => panel.getByLabel('Sweep shown').inputValue(), WAIT).toBe('2');
    await expect.poll(() => panel.locator('tbody tr[data-state="running"]').count(), WAIT).toBe(1);
    await panel.getByRole('button', { name: 'Stop sweep' }).click();
    await expect.poll(() => panel.getByRole('status', { name: 'Sweep status' }).getAttribute('data-status'), WAIT).toBe('stopped');
    expect(await panel.getByRole('button', { name: 'Continue sweep' }).isEnabled()).toBe(true);
    const first = rows().filter({ has: page.getByRole('button', { name: 'Continue trial 1' }) });
    expect(await first.getAttribute('data-state')).toBe('pending'); // its run stopped at a checkpoint
    await first.getByRole('button', { name: 'Continue trial 1' }).click();
    const trainStatus = () => page.getByRole('status', { name: 'Training status' }).getAttribute('data-status');
    await expect.poll(trainStatus, WAIT).toBe('completed'); // the Train tab followed the continued run to its end
    const runOfTrial1 = (await page.getByRole('status', { name: 'Training status' }).textContent())!.match(/^run (\d+)/)![1];
    await tab('Sweep');
    await panel.getByRole('button', { name: 'Continue sweep' }).click();
    await expect.poll(() => panel.getByRole('status', { name: 'Sweep status' }).getAttribute('data-status'), { timeout: 120_000, interval: 250 }).toBe('completed');
    await panel.getByRole('button', { name: 'Trial', exact: true }).click();
    const table = await rows().evaluateAll((trs) => trs.map((tr) => [tr.children[0].textContent, tr.getAttribute('data-state')]));
    expect(table).toEqual([['1', 'finished'], ['2', 'finished']]);
    await tab('Runs');
    // trial 1 kept its one run (continued, not trained again): 2 runs in sweep 2
    await expect.poll(() => page.getByRole('table', { name: 'Runs list' }).locator('tbody tr').filter({ hasText: /2 \(trial \d\)/ }).count(), WAIT).toBe(2);
    expect(await page.getByRole('table', { name: 'Runs list' }).locator(`tbody tr[data-run-id="${runOfTrial1}"]`).textContent()).toMatch(/2 \(trial 1\)/);
    await tab('Sweep');
  });

  it('stays legible and reachable at 1920x1080', async () => {
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.waitForTimeout(300);
    await expectSoundLayout();
    await shot('04-parallel-1920');
    await sweepPanel().getByRole('tab', { name: 'Scatter' }).click();
    await expectSoundLayout();
    await shot('05-scatter-1920');
    expect(pageErrors).toEqual([]);
  });
});
