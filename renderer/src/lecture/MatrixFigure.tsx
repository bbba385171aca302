import { useCallback } from 'react';
import type { LectureMatrix } from '../../../core/api/contract';
import { MatrixCanvas } from '../inspect/MatrixCanvas';
import { slashFractions, Tex } from './Tex';

const MAX_WIDTH = 340;
const MAX_HEIGHT = 150;
const NONE = new Map<number, [number, number][]>();

export interface MatrixHighlight {
  cells?: readonly [number, number][];
  row?: number | null;
  column?: number | null;
}

/** One matrix of a step: its symbol, its size rows × cols, and its entries as pixels (blue < 0 < red). */
export function MatrixFigure({ m, values, result, highlight, onHoverCell }: { m: LectureMatrix; values: number[]; result?: boolean; highlight?: MatrixHighlight; onHoverCell?: (cell: [number, number] | null) => void }) {
  const at = useCallback((r: number, c: number) => values[r + m.rows * c], [m, values]);
  const cell = Math.max(1, Math.min(12, Math.floor(MAX_WIDTH / Math.max(m.cols, 1)), Math.floor(MAX_HEIGHT / Math.max(m.rows, 1))));
  const width = Math.max(14, Math.min(MAX_WIDTH, m.cols * Math.max(cell, 1)));
  const height = Math.max(14, Math.min(MAX_HEIGHT, m.rows * Math.max(cell, (width / Math.max(m.cols, 1)) * 0.5)));
  return (
    <figure className={`lecture-matrix${result ? ' result' : ''}`} data-key={m.key}>
      <figcaption>
        <Tex tex={slashFractions(m.tex)} /> <span className="vf-dims" data-testid={`size-${m.key}`}>{m.rows} × {m.cols}</span>
      </figcaption>
      <MatrixCanvas rows={m.rows} cols={m.cols} at={at} width={width} height={height} label={`${m.key} (${m.rows} × ${m.cols})`} highlight={highlight?.cells} highlightRow={highlight?.row} highlightColumn={highlight?.column} onHoverCell={onHoverCell} />
      {m.spatial && <ChannelImages m={m} values={values} marked={NONE} channels={3} size={56} />}
    </figure>
  );
}

/** An activation d × (a b) as its first channels, each an a × b image, with some pixels marked. */
export function ChannelImages({ m, values, marked, channels = 4, size = 120 }: { m: LectureMatrix; values: number[]; marked: Map<number, [number, number][]>; channels?: number; size?: number }) {
  const { d, a, b } = m.spatial!;
  const scale = Math.max(2, Math.floor(size / Math.max(a, b)));
  const shown = [...new Set([...marked.keys()].sort((x, y) => x - y).slice(0, channels))];
  if (shown.length === 0) for (let c = 0; c < Math.min(d, channels); c++) shown.push(c);
  return (
    <div className="inline lecture-channels">
      {shown.map((c) => (
        <figure key={c} className="lecture-channel">
          <MatrixCanvas rows={a} cols={b} at={(r, q) => values[c + d * (r + a * q)]} width={b * scale} height={a * scale} label={`${m.key} channel ${c}`} highlight={marked.get(c) ?? []} grey />
          <figcaption className="muted">channel {c}</figcaption>
        </figure>
      ))}
      <span className="muted">
        {d > shown.length ? `${shown.length} of ${d} channels` : d > 1 ? `${d} channels` : 'as an image'}, {a} × {b}
      </span>
    </div>
  );
}
