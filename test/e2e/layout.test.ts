import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlsNotAtTheirCentre, overlappingPanels, panelsOverflowingHorizontally, renderedTextSizes } from './geometry';
import { CHROMIUM, CHROMIUM_ARGS } from './harness';

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
