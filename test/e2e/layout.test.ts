import { mkdirSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  controlsNotAtTheirCentre,
  expectControlsAtTheirCentre,
  expectLegible,
  expectNoHorizontalOverflow,
  expectNoOverlap,
  overlappingPanels,
  panelsOverflowingHorizontally,
  renderedTextSizes,
} from './geometry';
import { artifactsFolder, CHROMIUM, CHROMIUM_ARGS, ensureBuilt, openWorkbenchPage, startTestHost, type TestHost } from './harness';
import { nodeLocator } from './scenario';

/** The geometry checks themselves, on a page made to fail each of them once. */
describe('geometry checks', () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 800, height: 600 } });
    await page.setContent(`
      <style>body { margin: 0; font-size: 13px } .panel { position: absolute; top: 0; width: 300px; height: 200px }</style>
      <div class="panel" id="left" style="left: 0; overflow: hidden">
        <div style="width: 500px"><button>Fine</button><button style="margin-left: 380px">Cut off</button></div>
      </div>
      <div class="panel" id="right" style="left: 290px; overflow: auto">
        <div style="width: 700px"><button style="margin-left: 600px">Scrolled to</button></div>
        <button>Covered</button>
      </div>
      <div id="cover" style="position: absolute; left: 290px; top: 18px; width: 100px; height: 30px; background: red"></div>
      <div class="panel" id="zoomed" style="left: 0; top: 300px; transform: scale(0.5); transform-origin: 0 0"><span style="font-size: 14px">small</span></div>
    `);
  });
  afterAll(async () => browser?.close());

  it('finds controls cut off or covered, and scrolls a panel to reach the rest', async () => {
    const misses = await controlsNotAtTheirCentre(page);
    expect(misses.map((m) => m.control)).toEqual(['button "Cut off"', 'button "Covered"']);
    expect(misses[0].why).toMatch(/cut off by div#left/);
    expect(misses[1].why).toMatch(/lands on div#cover/);
  });

  it('finds a panel whose content spills sideways, not one that scrolls it', async () => {
    expect(await panelsOverflowingHorizontally(page, ['#left', '#right'])).toEqual([expect.stringMatching(/^#left\[0\]: content 500 px wide in 300 px/)]);
  });

  it('finds panels drawn over one another', async () => {
    expect(await overlappingPanels(page, ['#left', '#right', '#zoomed'])).toEqual([expect.stringMatching(/^#left\[0\] overlaps #right\[0\] by 10x200 px/)]);
  });

  it('measures text after the zoom it is drawn at', async () => {
    const sizes = await renderedTextSizes(page, '#zoomed');
    expect(sizes).toEqual([{ text: 'small', px: 7 }]);
  });
});

/**
 * The workbench's layout as a new user meets it, at the two window sizes people use: the first
 * start on the 3-layer template, each dock tab, the dock resized and collapsed, the runs table
 * with two runs. Geometry is asserted at each step, and each step leaves a screenshot.
 */
describe.each([
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
])('the workbench at $width x $height', ({ width, height }) => {
  let host: TestHost;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const shot = (name: string) => page.screenshot({ path: join(artifactsFolder, `layout-${width}x${height}-${name}.png`) });
  const tab = (name: string) => page.getByRole('tab', { name, exact: true }).click();
  /** Starting a worker and loading the sample takes seconds on a loaded 2-core machine. */
  const SLOW = { timeout: 30_000, interval: 50 };
  const dockPanel = () => page.locator('[data-panel]#dock');
  const viewport = () => page.locator('.react-flow__viewport').getAttribute('style');
  /** Everything a person reads or clicks is reachable and legible. */
  async function expectSoundLayout() {
    await expectNoOverlap(page);
    await expectNoHorizontalOverflow(page);
    await expectControlsAtTheirCentre(page);
    await expectLegible(page, '.react-flow__node');
    await expectLegible(page, '.react-flow__edgelabel-renderer');
    expect(await labelsOnHandles(), 'edge labels drawn over a connection handle').toEqual([]);
  }
  /** Edge labels (shape, ‖dW‖) whose box touches a handle's box. */
  const labelsOnHandles = () =>
    page.evaluate(() => {
      const handles = [...document.querySelectorAll('.react-flow__handle')].map((h) => h.getBoundingClientRect());
      const out: string[] = [];
      for (const label of document.querySelectorAll<HTMLElement>('.edge-shape, .edge-norm')) {
        const r = label.getBoundingClientRect();
        if (handles.some((h) => r.left < h.right && h.left < r.right && r.top < h.bottom && h.top < r.bottom)) out.push(label.textContent ?? '');
      }
      return out;
    });

  beforeAll(async () => {
    mkdirSync(artifactsFolder, { recursive: true });
    ensureBuilt();
    host = await startTestHost();
    ({ browser, page } = await openWorkbenchPage(host.host.url, pageErrors, { width, height, timeoutMs: 15_000 }));
  });
  afterAll(async () => {
    await browser?.close();
    await host?.close();
  });

  it('opens on the 3-layer template, laid out along the wider side, its text legible', async () => {
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(9);
    await expect.poll(() => page.getByRole('status', { name: 'Trainability' }).textContent()).toBe('Ready to train');
    const input = (await nodeLocator(page, 'input').boundingBox())!;
    const conv1 = (await nodeLocator(page, 'conv1').boundingBox())!;
    // The canvas is wider than tall at both sizes: the chain runs left to right.
    expect(conv1.x).toBeGreaterThan(input.x + input.width);
    expect(Math.abs(conv1.y + conv1.height / 2 - (input.y + input.height / 2))).toBeLessThan(20);
    await expect.poll(() => page.locator('.react-flow__viewport').getAttribute('style')).toMatch(/scale\(1(\.\d+)?\)/);
    await expectSoundLayout();
    await shot('01-first-start');
  });

  it('says on an empty canvas how to add and connect layers; handles are at least 12 px with a wider hit area', async () => {
    await page.getByRole('button', { name: 'New', exact: true }).click();
    const hint = page.getByRole('note', { name: 'How to start' });
    await expect.poll(() => hint.textContent()).toMatch(/drag it from the palette.*press Enter.*output handle.*input handle/);
    await expectControlsAtTheirCentre(page);
    await shot('02-empty-canvas');
    await page.getByRole('button', { name: 'Add Input' }).click();
    await page.getByRole('button', { name: 'Add Convolution' }).click();
    await expect.poll(() => hint.count()).toBe(0);
    const handle = page.getByRole('button', { name: 'input output', exact: true });
    const box = (await handle.boundingBox())!;
    expect(Math.min(box.width, box.height)).toBeGreaterThanOrEqual(12);
    // 4 px outside the dot still starts a connection.
    const edge = await page.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.getAttribute('aria-label'), { x: box.x + box.width / 2, y: box.y + box.height + 3 });
    expect(edge).toBe('input output');
    await page.getByRole('button', { name: 'Undo', exact: true }).click();
    await page.getByRole('button', { name: 'Undo', exact: true }).click();
    await page.getByRole('button', { name: 'Undo', exact: true }).click();
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(9);
  });

  it('opens each dock tab without panels overlapping or overflowing; the view re-fits above the dock', async () => {
    const before = await viewport();
    await tab('Train');
    await expect.poll(viewport).not.toBe(before);
    for (const name of ['Train', 'Gradients', 'Activations', 'Runs']) {
      await tab(name);
      await expect.poll(() => page.getByRole('tabpanel', { name }).isVisible()).toBe(true);
      await expectSoundLayout();
      await shot(`03-dock-${name.toLowerCase()}`);
    }
  });

  it('resizes the dock by keyboard and by dragging, collapses it, and remembers its height', async () => {
    await tab('Train');
    const separator = page.getByRole('separator', { name: 'Resize the dock' });
    const start = (await dockPanel().boundingBox())!.height;
    await separator.focus();
    for (let i = 0; i < 3; i++) await separator.press('ArrowUp');
    await expect.poll(async () => (await dockPanel().boundingBox())!.height).toBeGreaterThan(start + 20);
    const raised = (await dockPanel().boundingBox())!.height;
    const s = (await separator.boundingBox())!;
    await page.mouse.move(s.x + s.width / 2, s.y + s.height / 2);
    await page.mouse.down();
    await page.mouse.move(s.x + s.width / 2, s.y + s.height / 2 + 120, { steps: 5 });
    await page.mouse.up();
    const dragged = (await dockPanel().boundingBox())!.height;
    expect(dragged).toBeLessThan(raised - 100);
    await page.waitForTimeout(300); // the re-fit waits for the size to settle
    await expectSoundLayout();
    await shot('04-dock-resized');

    await page.getByRole('button', { name: 'Hide dock' }).click();
    await expect.poll(() => page.getByRole('tabpanel', { name: 'Train' }).isHidden()).toBe(true);
    await expect.poll(async () => (await dockPanel().boundingBox())!.height).toBeLessThan(40);
    await page.waitForTimeout(300);
    await expectSoundLayout();
    await shot('05-dock-collapsed');
    await page.getByRole('button', { name: 'Show dock' }).click();
    await expect.poll(async () => Math.round((await dockPanel().boundingBox())!.height)).toBe(Math.round(dragged));

    // A smaller window re-fits the view too.
    const fitted = await viewport();
    await page.setViewportSize({ width: width - 200, height: height - 100 });
    await expect.poll(viewport).not.toBe(fitted);
    await expectSoundLayout();
    await page.setViewportSize({ width, height });

    await page.reload();
    await page.locator('.workbench[data-ready="true"]').waitFor();
    await expect.poll(() => page.getByRole('tabpanel', { name: 'Train' }).isVisible()).toBe(true);
    expect(Math.round((await dockPanel().boundingBox())!.height)).toBe(Math.round(dragged));
  });

  it("lists two runs in the Runs tab with every row action reachable, also with a row's export field open", async () => {
    const status = () => page.getByRole('status', { name: 'Training status' }).getAttribute('data-status');
    const stepNow = async () => Number((await page.getByTestId('progress-step').textContent())!.match(/step (\d+)/)![1]);
    const train = page.getByRole('tabpanel', { name: 'Train' });
    for (const name of ['short-a', 'short-b']) {
      await tab('Train');
      await train.getByLabel('Epochs', { exact: true }).fill('1');
      await train.getByLabel('Batch size', { exact: true }).fill('32');
      await train.getByLabel('Statistics every', { exact: true }).fill('1');
      await train.getByLabel('Run name', { exact: true }).fill(name);
      await page.getByRole('button', { name: 'Start' }).click();
      await expect.poll(status, SLOW).toBe('running');
      await expect.poll(stepNow, SLOW).toBeGreaterThan(2);
      await page.getByRole('button', { name: 'Stop' }).click();
      await expect.poll(status, SLOW).toBe('stopped');
    }
    await expectSoundLayout();
    await shot('08-trained');
    await tab('Runs');
    const rows = page.getByRole('table', { name: 'Runs list' }).locator('tbody tr');
    await expect.poll(() => rows.count(), SLOW).toBe(2);
    await expectSoundLayout();
    await shot('09-runs');
    await page.getByRole('row', { name: 'Run short-a' }).getByRole('button', { name: 'Export' }).click();
    await expect.poll(() => page.getByLabel('Export path for short-a').isVisible()).toBe(true);
    await expectSoundLayout();
    await shot('10-runs-export-open');
    const exportTo = join(host.folder, 'short-a.cnnwb');
    await page.getByLabel('Export path for short-a').fill(relative(process.cwd(), exportTo));
    await page.getByRole('button', { name: 'Write' }).click();
    await expect.poll(() => page.getByRole('status', { name: 'Runs notice' }).textContent(), SLOW).toBe(`Exported short-a to ${exportTo}`);
    await tab('Gradients');
    await expect.poll(() => page.getByRole('figure', { name: /^Histogram heatmap/ }).count(), SLOW).toBe(1);
    await expectSoundLayout();
    await expectNoHorizontalOverflow(page, ['.gradients-panel', '.heatmap']);
    await shot('11-gradients');
  });

  it('shows where a relative path in the Save and Export dialogs resolves; a long document name does not re-flow the toolbar', async () => {
    const fitView = page.getByRole('button', { name: 'Fit view' });
    const before = (await fitView.boundingBox())!;
    const file = join(host.folder, `a-rather-long-document-name-for-the-toolbar-title-${width}.json`);
    const relativePath = relative(process.cwd(), file);
    await page.getByRole('button', { name: 'Save as…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save graph file' });
    await dialog.getByLabel('Path on the host').fill(relativePath);
    await expect.poll(() => dialog.getByLabel('Resolved path').textContent()).toBe(`Writes ${file}`);
    await expectControlsAtTheirCentre(page, { scope: '.dialog' });
    await shot('06-save-dialog');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.getByLabel('Document').textContent()).toBe(basename(file));
    expect(await fitView.boundingBox()).toEqual(before);
    await expectNoHorizontalOverflow(page, ['.toolbar', '.toolbar-title']);
    await expectControlsAtTheirCentre(page, { scope: '.toolbar' });

    await page.getByLabel('Export or import a model').selectOption('exportOnnx');
    const exporter = page.getByRole('dialog', { name: 'Export ONNX' });
    await expect.poll(() => exporter.getByLabel('Resolved path').textContent()).toBe(`Writes ${join(process.cwd(), 'simpleNN-3-layer-CNN.onnx')}`);
    await shot('07-export-dialog');
    await exporter.getByRole('button', { name: 'Cancel' }).click();
    expect(pageErrors).toEqual([]);
  });
});
