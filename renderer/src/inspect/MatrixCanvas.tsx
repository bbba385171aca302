import { useEffect, useRef, type MouseEvent } from 'react';

/** Diverging colours: blue for negative, white for 0, red for positive, scaled by the largest |value|. */
function colour(v: number, maxAbs: number): [number, number, number] {
  const t = maxAbs > 0 ? Math.max(-1, Math.min(1, v / maxAbs)) : 0;
  return t >= 0 ? [255, Math.round(255 * (1 - t)), Math.round(255 * (1 - t))] : [Math.round(255 * (1 + t)), Math.round(255 * (1 + t)), 255];
}

interface MatrixCanvasProps {
  rows: number;
  cols: number;
  /** value(r, c) */
  at: (r: number, c: number) => number;
  /** CSS size of the drawing. */
  width: number;
  height: number;
  /** Cells drawn outlined in yellow (row, col). */
  highlight?: readonly [number, number][];
  /** Column drawn outlined. */
  highlightColumn?: number | null;
  /** Row drawn outlined. */
  highlightRow?: number | null;
  onHoverColumn?: (c: number | null) => void;
  /** The entry under the pointer (row, col), or null when it leaves. */
  onHoverCell?: (cell: [number, number] | null) => void;
  label: string;
  grey?: boolean;
}

/** A matrix (or one channel of an image) as pixels, one cell per pixel, scaled by CSS. */
export function MatrixCanvas({ rows, cols, at, width, height, highlight, highlightColumn, highlightRow, onHoverColumn, onHoverCell, label, grey }: MatrixCanvasProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx || rows === 0 || cols === 0) return;
    canvas.width = cols;
    canvas.height = rows;
    let maxAbs = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let c = 0; c < cols; c++)
      for (let r = 0; r < rows; r++) {
        const v = at(r, c);
        maxAbs = Math.max(maxAbs, Math.abs(v));
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    const image = ctx.createImageData(cols, rows);
    for (let c = 0; c < cols; c++)
      for (let r = 0; r < rows; r++) {
        const v = at(r, c);
        const p = 4 * (r * cols + c);
        if (grey) {
          const g = hi > lo ? Math.round((255 * (v - lo)) / (hi - lo)) : 0;
          image.data.set([g, g, g, 255], p);
        } else image.data.set([...colour(v, maxAbs), 255], p);
      }
    const mark = (r: number, c: number) => image.data.set([255, 214, 0, 255], 4 * (r * cols + c));
    for (const [r, c] of highlight ?? []) if (r >= 0 && r < rows && c >= 0 && c < cols) mark(r, c);
    if (highlightColumn !== null && highlightColumn !== undefined) for (let r = 0; r < rows; r++) image.data.set([0, 0, 0, 255], 4 * (r * cols + highlightColumn));
    if (highlightRow !== null && highlightRow !== undefined && highlightRow < rows) for (let c = 0; c < cols; c++) image.data.set([0, 0, 0, 255], 4 * (highlightRow * cols + c));
    ctx.putImageData(image, 0, 0);
  }, [rows, cols, at, highlight, highlightColumn, highlightRow, grey]);
  const cellAt = (e: MouseEvent<HTMLCanvasElement>): [number, number] => {
    const box = e.currentTarget.getBoundingClientRect();
    const clamp = (v: number, n: number) => Math.min(n - 1, Math.max(0, Math.floor(v * n)));
    return [clamp((e.clientY - box.top) / box.height, rows), clamp((e.clientX - box.left) / box.width, cols)];
  };
  return (
    <canvas
      ref={ref}
      className="pixelated matrix-canvas"
      aria-label={label}
      style={{ width, height }}
      onMouseMove={
        onHoverColumn || onHoverCell
          ? (e) => {
              const [r, c] = cellAt(e);
              onHoverColumn?.(c);
              onHoverCell?.([r, c]);
            }
          : undefined
      }
      onMouseLeave={
        onHoverColumn || onHoverCell
          ? () => {
              onHoverColumn?.(null);
              onHoverCell?.(null);
            }
          : undefined
      }
    />
  );
}
