import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectControlsAtTheirCentre, expectNoHorizontalOverflow, expectNoOverlap, renderedTextSizes } from './geometry';
import { artifactsFolder, ensureBuilt, openWorkbenchPage, startTestHost, type TestHost } from './harness';
import { nodeLocator, panToNode, setFields } from './scenario';

/**
 * Lecture mode (issue 17) on the 3-layer template, driven by visible labels: every step walked by
 * the keyboard and by the step list, the equation typeset by KaTeX, hover on S showing what feeds
 * the entry, "Check this step", export as PNG and SVG, at 1280x800 and 1920x1080.
 */
const WAIT = { timeout: 60_000, interval: 100 };
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, WAIT);

describe('Lecture mode', { timeout: 300_000 }, () => {
  let host: TestHost;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const shot = (name: string) => page.screenshot({ path: join(artifactsFolder, `lecture-${name}.png`) });
  const panel = () => page.getByRole('region', { name: 'Lecture mode' });
  const steps = () => panel().getByRole('listbox', { name: 'Steps' }).getByRole('option');
  const selected = () => panel().getByRole('listbox', { name: 'Steps' }).locator('[aria-selected="true"]').textContent();
  const heading = () => panel().locator('.lecture-step h3').textContent();
  const explained = () => page.locator('.layer-node[data-explained]').getAttribute('data-node-id');
  let titles: string[] = [];

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

  it('opens on the first equation, typeset, with its matrices and their sizes, and highlights the layer on the canvas', async () => {
    await page.getByRole('tab', { name: 'Lecture', exact: true }).click();
    await poll(() => steps().count()).toBe(40);
    titles = (await steps().allTextContents()).map((t) => t.trim());
    expect(titles[0]).toBe('1. conv1: zero padding pad(Z^1)');
    expect(await panel().getByTestId('lecture-summary').textContent()).toMatch(/training instance 0, label \d.*He initialisation.*squared loss, C = 6000/);
    const equation = panel().getByLabel('Equation of step 1');
    // Rendered math: KaTeX's HTML (and MathML for screen readers), not the TeX source as text.
    expect(await equation.locator('.katex .katex-html').count()).toBe(1);
    expect(await equation.locator('math').count()).toBe(1);
    expect(await equation.locator('.katex-html').textContent()).not.toContain('\\mathrm');
    expect(await panel().getByTestId('size-A0').textContent()).toBe('1 × 784');
    expect(await panel().getByTestId('size-padZ@0').textContent()).toBe('1 × 1024');
    expect(await explained()).toBe('conv1');
    await shot('1280-first-step');
  });

  it('walks every step with the arrow keys, the canvas following the layer explained', async () => {
    await panel().focus();
    const nodes: (string | null)[] = [];
    for (let i = 0; i < titles.length; i++) {
      expect(await selected()).toBe(titles[i]);
      expect(await heading()).toBe(titles[i]);
      expect(await panel().locator('.lecture-step .tex-display .katex').count()).toBe(1);
      const node = (await page.locator('.layer-node[data-explained]').count()) ? await explained() : null;
      if (nodes[nodes.length - 1] !== node) nodes.push(node);
      if (i < titles.length - 1) await page.keyboard.press('ArrowRight');
    }
    expect(nodes).toEqual(['conv1', 'pool1', 'conv2', 'pool2', 'conv3', 'pool3', 'fc1', null, 'fc1', 'pool3', 'conv3', 'pool2', 'conv2', 'pool1', 'conv1']);
    expect(titles[titles.length - 1]).toBe('40. conv1: ∂ξ/∂b^1');
    await page.keyboard.press('ArrowRight'); // the last step stays
    expect(await selected()).toBe(titles[titles.length - 1]);
    await page.keyboard.press('ArrowLeft');
    expect(await selected()).toBe(titles[titles.length - 2]);
    await page.keyboard.press('Home');
    expect(await selected()).toBe(titles[0]);
  });

  it('walks every step by the step list, and Next / Previous', async () => {
    for (let i = titles.length - 1; i >= 0; i--) {
      await steps().nth(i).click();
      expect(await heading()).toBe(titles[i]);
    }
    await panel().getByRole('button', { name: 'Next step' }).click();
    expect(await selected()).toBe(titles[1]);
    await panel().getByRole('button', { name: 'Previous step' }).click();
    expect(await selected()).toBe(titles[0]);
    await panel().getByRole('button', { name: 'Backward', exact: true }).click();
    expect(await heading()).toMatch(/Start of the backward pass/);
  });

  it('shows what feeds an entry of S under the pointer: its row of W, its column of phi(pad(Z)) and the input pixels that column reads', async () => {
    await steps().filter({ hasText: /^3\. conv1: S\^1/ }).click();
    expect(await panel().getByTestId('size-W@0').textContent()).toBe('32 × 25');
    expect(await panel().getByTestId('size-phi@0').textContent()).toBe('25 × 784');
    expect(await panel().getByTestId('size-S@0').textContent()).toBe('32 × 784');
    const S = panel().getByLabel('S@0 (32 × 784)');
    await S.scrollIntoViewIfNeeded();
    const outer = (await S.boundingBox())!;
    // About row 5, column 100 of S (the drawing is 340 x 32 px for 32 x 784 entries: the pointer lands within a column or two).
    await page.mouse.move(outer.x + 1 + (100.5 / 784) * (outer.width - 2), outer.y + 1 + (5.5 / 32) * (outer.height - 2));
    const feeds = panel().getByTestId('feeds');
    await poll(() => feeds.count()).toBe(1);
    // Column q of phi(pad(Z)) is the 5 x 5 window at (q mod 28, q div 28) of the input padded by 2: it reads the pixels inside the image.
    const inside = (c: number) => [-2, -1, 0, 1, 2].filter((o) => c + o >= 0 && c + o < 28).length;
    const hovered = async () => {
      const readout = (await feeds.locator('p').first().textContent())!;
      const [, r, q] = readout.match(/^entry \((\d+), (\d+)\)/)!.map(Number);
      expect(readout).toMatch(new RegExp(`^entry \\(${r}, ${q}\\) = -?\\d.* = row ${r} of W \\(25 entries\\) · column ${q} of φ\\(pad\\(Z\\)\\) \\+ b${r} .*the column reads ${inside(q % 28) * inside(Math.floor(q / 28))} input pixels`));
      return { r, q };
    };
    const { r, q } = await hovered();
    expect(Math.abs(r - 5)).toBeLessThanOrEqual(1);
    expect(Math.abs(q - 100)).toBeLessThanOrEqual(3);
    expect(await feeds.getByRole('table', { name: 'Feeding entries' }).locator('tbody tr').count()).toBe(9);
    expect(await feeds.getByLabel('A0 channel 0').count()).toBe(1);
    await shot('1280-hover-S');
    // In the corner the window reads padding: 9 or 12 of its 25 entries are pixels.
    await page.mouse.move(outer.x + 0.3, outer.y + 0.3);
    await poll(async () => (await hovered()).q).toBeLessThanOrEqual(1);
  });

  it('checks a gradient step by central differences in float64', async () => {
    await steps().filter({ hasText: /fc1: ∂ξ\/∂b\^4$/ }).click();
    await panel().getByRole('button', { name: 'Check this step' }).click();
    await poll(() => panel().getByTestId('check-result').count()).toBe(1);
    expect(await panel().getByTestId('check-result').textContent()).toMatch(/largest relative error \d\.\d\de-\d+ passes \(below 0\.000001\) — every entry/);
    expect(await panel().getByRole('table', { name: 'Probes of this step' }).locator('tbody tr').count()).toBe(10);
    await shot('1280-check');
  });

  it('exports a step as PNG and as SVG', async () => {
    for (const format of ['PNG', 'SVG'] as const) {
      const download = page.waitForEvent('download');
      await panel().getByRole('button', { name: `Export ${format}` }).click();
      const file = join(artifactsFolder, `lecture-export.${format.toLowerCase()}`);
      const d = await download;
      expect(d.suggestedFilename()).toBe(`lecture-backward-fc1-db.${format.toLowerCase()}`);
      await d.saveAs(file);
      const bytes = readFileSync(file);
      if (format === 'PNG') expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      else expect(bytes.toString('utf8', 0, 200)).toMatch(/<svg/);
      expect(bytes.length).toBeGreaterThan(5000);
    }
  });

  it('explains the selected node from the side panel, and says when an edit has made the walk stale', async () => {
    const stale = panel().getByRole('status').filter({ hasText: 'The graph changed since this walk' });
    await panToNode(page, 'conv2');
    await nodeLocator(page, 'conv2').locator('.layer-node-name').click();
    await page.getByRole('button', { name: 'Explain in Lecture mode' }).click();
    expect(await selected()).toBe(titles[5]);
    expect(titles[5]).toBe('6. conv2: zero padding pad(Z^2)');
    expect(await explained()).toBe('conv2');
    expect(await stale.count()).toBe(0);
    await setFields(page, 'conv2', { Filters: '8' });
    await poll(() => stale.count()).toBe(1);
    await page.getByRole('button', { name: 'Undo', exact: true }).click();
    await panel().getByRole('button', { name: 'Show', exact: true }).click();
    await poll(() => stale.count()).toBe(0);
    expect(await selected()).toBe(titles[5]); // the same step again after the recomputation
  });

  it('follows an uploaded image, drawn at the input size, with the label typed', async () => {
    const sharp = (await import('sharp')).default;
    const gradient = Buffer.from(Array.from({ length: 56 * 56 }, (_, p) => (p % 56) * 4));
    const png = await sharp(gradient, { raw: { width: 56, height: 56, channels: 1 } }).png().toBuffer();
    const summary = () => panel().getByTestId('lecture-summary').textContent();
    await panel().getByLabel('Uploaded image label').fill('3');
    await panel().getByLabel('Upload image', { exact: true }).setInputFiles({ name: 'ramp.png', mimeType: 'image/png', buffer: png });
    await poll(summary).toMatch(/uploaded image ramp\.png, label 3, predicted \d/);
    await steps().first().click();
    // The input as the network reads it: 28 x 28, one channel, the ramp running left to right.
    expect(await panel().getByTestId('size-A0').textContent()).toBe('1 × 784');
    await shot('1280-uploaded');
    await panel().getByRole('button', { name: 'Show', exact: true }).click();
    await poll(summary).toMatch(/training instance 0/);
  });

  for (const [width, height] of [
    [1280, 800],
    [1920, 1080],
  ] as const)
    it(`is reachable and legible at ${width}x${height}`, async () => {
      await page.setViewportSize({ width, height });
      await steps().filter({ hasText: /^19\. / }).click(); // the loss, with its scalars
      await shot(`${width}-loss`);
      await steps().filter({ hasText: /conv2: ∂ξ\/∂vec\(Z\^2\)/ }).click();
      await shot(`${width}-dZ`);
      await expectControlsAtTheirCentre(page, { scope: '.lecture-panel' });
      await expectNoHorizontalOverflow(page);
      await expectNoOverlap(page);
      // Text outside the equations at least 11 px; in the equations the base size at least 11 px
      // (KaTeX sets sub- and superscripts at 70% and 50% of it, as printed mathematics does).
      const sizes = await renderedTextSizes(page, '.lecture-panel');
      expect(sizes.length).toBeGreaterThan(10);
      const plain = await page.evaluate(() => [...document.querySelectorAll('.lecture-panel *')].filter((e) => !e.closest('.katex') && [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent!.trim()) && (e as HTMLElement).checkVisibility()).map((e) => parseFloat(getComputedStyle(e).fontSize)));
      expect(Math.min(...plain)).toBeGreaterThanOrEqual(11);
      const base = await page.evaluate(() => [...document.querySelectorAll('.lecture-panel .katex')].map((e) => parseFloat(getComputedStyle(e).fontSize)));
      expect(Math.min(...base)).toBeGreaterThanOrEqual(11);
      expect(pageErrors).toEqual([]);
    });
});
