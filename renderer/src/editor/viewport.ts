import type { ReactFlowInstance } from '@xyflow/react';
import type { LayoutDirection } from '../document/auto-layout';

/** No text on the canvas is drawn smaller than this by a fit (CSS px after zoom). */
export const MIN_CANVAS_TEXT_PX = 11;
const FIT_PADDING = 24;
const FIT_MAX_ZOOM = 1.5;

function canvasElement(): HTMLElement | null {
  return document.querySelector<HTMLElement>('.canvas .react-flow');
}

/** A wide canvas lays a chain out across, a tall one down. */
export function canvasDirection(): LayoutDirection {
  const el = canvasElement();
  return el && el.clientWidth > el.clientHeight ? 'right' : 'down';
}

/** The smallest font size (unzoomed CSS px) of any text in the nodes and edge labels. */
function smallestLabelFontPx(root: HTMLElement): number {
  let smallest = Infinity;
  for (const el of root.querySelectorAll<HTMLElement>('.react-flow__node *, .react-flow__edgelabel-renderer *')) {
    if (![...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim() !== '')) continue;
    smallest = Math.min(smallest, parseFloat(getComputedStyle(el).fontSize));
  }
  return Number.isFinite(smallest) ? smallest : MIN_CANVAS_TEXT_PX;
}

/**
 * Fits the graph into the canvas, but never zooms out so far that node or edge-label text is
 * drawn under MIN_CANVAS_TEXT_PX: a graph that does not fit at that zoom shows its start (the
 * input, top or left) and is panned to see the rest. Centred along each axis where it fits.
 */
export function fitLegibly(flow: ReactFlowInstance, options: { duration?: number } = {}): void {
  const el = canvasElement();
  const nodes = flow.getNodes();
  if (!el || nodes.length === 0 || el.clientWidth === 0 || el.clientHeight === 0) return;
  const bounds = flow.getNodesBounds(nodes);
  const width = el.clientWidth;
  const height = el.clientHeight;
  const fit = Math.min((width - 2 * FIT_PADDING) / Math.max(1, bounds.width), (height - 2 * FIT_PADDING) / Math.max(1, bounds.height));
  const legible = MIN_CANVAS_TEXT_PX / smallestLabelFontPx(el);
  const zoom = Math.min(FIT_MAX_ZOOM, Math.max(fit, legible));
  const place = (start: number, extent: number, room: number) => (extent * zoom <= room - 2 * FIT_PADDING ? (room - extent * zoom) / 2 - start * zoom : FIT_PADDING - start * zoom);
  void flow.setViewport({ x: place(bounds.x, bounds.width, width), y: place(bounds.y, bounds.height, height), zoom }, { duration: options.duration });
}
