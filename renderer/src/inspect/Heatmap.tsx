import { useEffect, useRef } from 'react';
import type { HistogramData } from '../../../core/api/contract';

const ROWS = 48;

/**
 * Histograms over time as a heatmap: one column per stored step, value on the vertical axis (the
 * common range of every step), darker = more entries. The scrubbed step is outlined.
 */
export function HistogramHeatmap({ histograms, steps, marked, label }: { histograms: (HistogramData | null)[]; steps: number[]; marked: number | null; label: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const present = histograms.filter((h): h is HistogramData => h !== null && h.edges.length > 1);
  // The value range of a typical step (1.5 x the medians of the per-step ranges): one wild early
  // step would otherwise squeeze every later histogram into a row or two. Values outside land in
  // the first / last row.
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? 0;
  const lo = present.length ? 1.5 * median(present.map((h) => h.edges[0])) : 0;
  const hi = present.length ? 1.5 * median(present.map((h) => h.edges[h.edges.length - 1])) : 1;
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const cols = Math.max(1, histograms.length);
    canvas.width = cols;
    canvas.height = ROWS;
    const image = ctx.createImageData(cols, ROWS);
    image.data.fill(255);
    histograms.forEach((h, x) => {
      if (!h) return;
      const rows = new Float64Array(ROWS);
      h.counts.forEach((count, i) => {
        const centre = (h.edges[i] + h.edges[i + 1]) / 2;
        const r = hi > lo ? Math.max(0, Math.min(ROWS - 1, Math.floor(((centre - lo) / (hi - lo)) * ROWS))) : 0;
        rows[r] += count;
      });
      const max = Math.max(...rows, 1);
      rows.forEach((v, r) => {
        const shade = 255 - Math.round(230 * Math.sqrt(v / max));
        const p = 4 * ((ROWS - 1 - r) * cols + x);
        image.data[p] = shade;
        image.data[p + 1] = shade;
        image.data[p + 2] = 255;
        image.data[p + 3] = 255;
      });
    });
    if (marked !== null && marked < cols) for (const r of [0, 1, ROWS - 2, ROWS - 1]) image.data.set([229, 57, 53, 255], 4 * (r * cols + marked));
    ctx.putImageData(image, 0, 0);
  }, [histograms, marked, lo, hi]);
  return (
    <figure className="heatmap" aria-label={`Histogram heatmap ${label}`}>
      <div className="heatmap-axis">
        <span>{hi.toPrecision(3)}</span>
        <span>{lo.toPrecision(3)}</span>
      </div>
      <canvas ref={ref} className="pixelated heatmap-canvas" />
      <figcaption className="muted">
        {label}: steps {steps[0] ?? '–'} … {steps[steps.length - 1] ?? '–'} (red: scrubbed step; values beyond the axis are in its first/last row)
      </figcaption>
    </figure>
  );
}
