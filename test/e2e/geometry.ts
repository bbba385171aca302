import { expect } from 'vitest';
import type { Page } from 'playwright-core';

/**
 * Geometry checks for the UI suites: is every control the thing a click at its centre lands on,
 * does any panel overflow sideways or overlap another, and is text legible after the canvas zoom.
 * Each check returns what it found (so a test can print it) and has an expect* form that fails
 * with that list.
 */

/** What a person can click or type into. */
export const CONTROLS =
  'button, a[href], input:not([type="hidden"]), select, textarea, [role="button"], [role="tab"], [role="link"], [role="checkbox"], [role="slider"], [role="menuitem"]';

/** The workbench's panels, which must not overlap one another nor overflow sideways. */
export const PANELS = ['.toolbar', '.palette', '.center-column', '.side-panel', '.status-bar'];

export interface Miss {
  control: string;
  why: string;
}

/**
 * Visible controls under `scope` that are not the element at their own centre
 * (`document.elementFromPoint` lands on something else, or the centre lies outside the window or
 * outside a clipping ancestor). A control inside a scrolling ancestor is first scrolled into view
 * there, as a person would; a control clipped by an ancestor matching `panned` (the canvas, which
 * pans instead of scrolling) is skipped when its centre lies outside it.
 */
export async function controlsNotAtTheirCentre(page: Page, options: { scope?: string; panned?: string } = {}): Promise<Miss[]> {
  return page.evaluate(
    ({ controls, scope, panned }) => {
      const describe = (el: Element) => {
        const name = el.getAttribute('aria-label') ?? (el as HTMLElement).innerText?.trim().slice(0, 40) ?? '';
        const id = el.id ? `#${el.id}` : '';
        const cls = typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
        return `${el.tagName.toLowerCase()}${id}${cls}${name ? ` "${name}"` : ''}`;
      };
      const misses: { control: string; why: string }[] = [];
      const root = document.querySelector(scope) ?? document.body;
      for (const el of root.querySelectorAll<HTMLElement>(controls)) {
        if (!el.checkVisibility({ checkOpacity: false, checkVisibilityCSS: true })) continue;
        let rect = el.getBoundingClientRect();
        if (rect.width === 0 || rect.height === 0) continue;
        let skipped = false;
        // Below a position: fixed box only an ancestor that makes a containing block for it
        // (transform, filter, contain) clips it: a fixed dialog rendered inside a small panel is not cut off by the panel.
        let fixed = false;
        for (let child: Element = el, a = el.parentElement; a; child = a, a = a.parentElement) {
          if (getComputedStyle(child).position === 'fixed') fixed = true;
          const style = getComputedStyle(a);
          if (fixed) {
            if (style.transform === 'none' && style.filter === 'none' && !/paint|layout|strict|content/.test(style.contain)) continue;
            fixed = false;
          }
          if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
          const box = a.getBoundingClientRect();
          const cx = rect.left + rect.width / 2;
          const cy = rect.top + rect.height / 2;
          const inside = cx >= box.left && cx <= box.right && cy >= box.top && cy <= box.bottom;
          if (inside) continue;
          if (a.matches(panned)) {
            skipped = true;
            break;
          }
          const scrolls = /auto|scroll/.test(style.overflowX + style.overflowY);
          if (scrolls) {
            el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
            rect = el.getBoundingClientRect();
          } else {
            misses.push({ control: describe(el), why: `cut off by ${describe(a)}` });
            skipped = true;
            break;
          }
        }
        if (skipped) continue;
        const x = rect.left + rect.width / 2;
        const y = rect.top + rect.height / 2;
        if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) {
          misses.push({ control: describe(el), why: `centre (${x.toFixed(0)}, ${y.toFixed(0)}) outside the window` });
          continue;
        }
        const hit = document.elementFromPoint(x, y);
        if (hit !== el && !el.contains(hit)) misses.push({ control: describe(el), why: `centre (${x.toFixed(0)}, ${y.toFixed(0)}) lands on ${hit ? describe(hit) : 'nothing'}` });
      }
      return misses;
    },
    { controls: CONTROLS, scope: options.scope ?? 'body', panned: options.panned ?? '.react-flow' },
  );
}

export async function expectControlsAtTheirCentre(page: Page, options: { scope?: string; panned?: string } = {}): Promise<void> {
  expect(await controlsNotAtTheirCentre(page, options), 'controls that a click at their centre does not reach').toEqual([]);
}

/**
 * Elements matching `selectors` whose content is wider than their box and not scrolled inside it
 * (overflow visible spills over a neighbour, hidden/clip cuts it off); an element that scrolls
 * sideways (overflow-x auto/scroll) is fine. Also any part of a match lying outside the window.
 */
export async function panelsOverflowingHorizontally(page: Page, selectors: string[] = PANELS): Promise<string[]> {
  return page.evaluate((selectors) => {
    const out: string[] = [];
    for (const selector of selectors)
      document.querySelectorAll<HTMLElement>(selector).forEach((el, i) => {
        if (!el.checkVisibility()) return;
        const name = `${selector}[${i}]`;
        const style = getComputedStyle(el);
        const scrolls = /auto|scroll/.test(style.overflowX);
        if (!scrolls && el.scrollWidth > el.clientWidth + 1) out.push(`${name}: content ${el.scrollWidth} px wide in ${el.clientWidth} px (overflow-x ${style.overflowX})`);
        const rect = el.getBoundingClientRect();
        if (rect.left < -1 || rect.right > innerWidth + 1) out.push(`${name}: spans x ${rect.left.toFixed(0)}..${rect.right.toFixed(0)} in a ${innerWidth} px window`);
      });
    return out;
  }, selectors);
}

export async function expectNoHorizontalOverflow(page: Page, selectors: string[] = PANELS): Promise<void> {
  expect(await panelsOverflowingHorizontally(page, selectors), 'panels whose content overflows sideways').toEqual([]);
}

/** Pairs of visible elements (one per selector, every match) whose boxes overlap by more than 1 px each way. */
export async function overlappingPanels(page: Page, selectors: string[] = PANELS): Promise<string[]> {
  return page.evaluate((selectors) => {
    const boxes: { name: string; r: DOMRect }[] = [];
    for (const selector of selectors)
      document.querySelectorAll<HTMLElement>(selector).forEach((el, i) => {
        if (el.checkVisibility()) boxes.push({ name: `${selector}[${i}]`, r: el.getBoundingClientRect() });
      });
    const out: string[] = [];
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i].r;
        const b = boxes[j].r;
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 1 && h > 1) out.push(`${boxes[i].name} overlaps ${boxes[j].name} by ${w.toFixed(0)}x${h.toFixed(0)} px`);
      }
    return out;
  }, selectors);
}

export async function expectNoOverlap(page: Page, selectors: string[] = PANELS): Promise<void> {
  expect(await overlappingPanels(page, selectors), 'panels drawn over one another').toEqual([]);
}

export interface TextSize {
  text: string;
  px: number;
}

/**
 * The rendered size of every visible piece of text under elements matching `selector`: computed
 * font-size times every CSS transform scale and zoom above it (so the canvas zoom counts).
 * Sorted smallest first.
 */
export async function renderedTextSizes(page: Page, selector: string): Promise<TextSize[]> {
  return page.evaluate((selector) => {
    const sizes: { text: string; px: number }[] = [];
    for (const root of document.querySelectorAll<HTMLElement>(selector)) {
      if (!root.checkVisibility()) continue;
      const all = [root, ...root.querySelectorAll<HTMLElement>('*')];
      for (const el of all) {
        const text = [...el.childNodes]
          .filter((n) => n.nodeType === Node.TEXT_NODE)
          .map((n) => n.textContent ?? '')
          .join('')
          .trim();
        if (!text || !el.checkVisibility() || el.offsetWidth === 0) continue;
        let scale = 1;
        for (let a: Element | null = el; a; a = a.parentElement) {
          const style = getComputedStyle(a);
          if (style.transform !== 'none') {
            const m = new DOMMatrixReadOnly(style.transform);
            scale *= Math.hypot(m.a, m.b);
          }
          scale *= Number(style.zoom) || 1;
        }
        sizes.push({ text: text.slice(0, 40), px: parseFloat(getComputedStyle(el).fontSize) * scale });
      }
    }
    return sizes.sort((a, b) => a.px - b.px);
  }, selector);
}

/** Fails listing every piece of text under `selector` drawn smaller than `minPx` (and when there is none to measure). */
export async function expectLegible(page: Page, selector: string, minPx = 11): Promise<TextSize[]> {
  const sizes = await renderedTextSizes(page, selector);
  expect(sizes.length, `text under ${selector}`).toBeGreaterThan(0);
  expect(
    sizes.filter((s) => s.px < minPx - 0.01),
    `text under ${selector} smaller than ${minPx} px`,
  ).toEqual([]);
  return sizes;
}
