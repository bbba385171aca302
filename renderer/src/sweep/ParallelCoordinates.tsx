import type { SweepDetail } from '../../../core/api/contract';
import { accuracyColour, axisOf, cellOf, formatCell, percent, positionOn, type Axis, type SweepColumn } from './sweep-view';

const W = 440;
const H = 240;
/** Axis titles alternate between two rows, so neighbouring names do not overlap. */
const PAD = { left: 48, right: 48, top: 44, bottom: 34 };

function tickLabels(axis: Axis, percentAxis: boolean): string[] {
  if (axis.kind === 'category') return axis.categories;
  const f = (x: number) => (percentAxis ? percent(x) : formatCell(x));
  return axis.lo === axis.hi ? [f(axis.lo)] : [f(axis.lo), f(axis.hi)];
}

/**
 * One vertical axis per varied value and one for the best validation accuracy; each trial is a
 * line through its values, coloured by that accuracy (red low, blue high).
 */
export function ParallelCoordinates({ detail }: { detail: SweepDetail }) {
  const columns: { column: SweepColumn; label: string }[] = [...detail.dimensions.map((d) => ({ column: `dim:${d}` as SweepColumn, label: d })), { column: 'valAccuracy', label: 'best val.' }];
  const axes = columns.map((c) => axisOf(detail.rows.map((r) => cellOf(r, c.column))));
  const x = (i: number) => PAD.left + (columns.length === 1 ? 0 : (i * (W - PAD.left - PAD.right)) / (columns.length - 1));
  const y = (t: number) => PAD.top + (1 - t) * (H - PAD.top - PAD.bottom);
  const acc = axes[axes.length - 1];
  const drawn = detail.rows.filter((r) => r.valAccuracy !== null);
  return (
    <svg className="sweep-plot" viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label="Parallel coordinates" data-lines={drawn.length}>
      {columns.map((c, i) => {
        const labels = tickLabels(axes[i], c.column === 'valAccuracy');
        return (
          <g key={c.column}>
            <line x1={x(i)} x2={x(i)} y1={y(0)} y2={y(1)} stroke="#9aa3ae" />
            <text x={x(i)} y={i % 2 === 0 ? 14 : 30} textAnchor="middle" className="sweep-axis-title">
              {c.label}
            </text>
            {labels.map((l, k) => (
              <text key={k} x={i === columns.length - 1 ? x(i) - 4 : x(i) + 4} y={y(labels.length === 1 ? 0.5 : k / (labels.length - 1)) + 4} textAnchor={i === columns.length - 1 ? 'end' : 'start'} className="sweep-tick">
                {l}
              </text>
            ))}
          </g>
        );
      })}
      {drawn.map((r) => {
        const points = columns.map((c, i) => [x(i), y(positionOn(axes[i], cellOf(r, c.column)))] as const).filter(([, py]) => Number.isFinite(py));
        return (
          <polyline key={r.trial} points={points.map((p) => p.join(',')).join(' ')} fill="none" stroke={accuracyColour(positionOn(acc, r.valAccuracy))} strokeWidth={2} opacity={0.85}>
            <title>{`trial ${r.trial}: ${percent(r.valAccuracy)}`}</title>
          </polyline>
        );
      })}
      <text x={W / 2} y={H - 8} textAnchor="middle" className="sweep-tick">
        {drawn.length === 0 ? 'no trial has a validation accuracy yet' : 'one line per trial; red: lower, blue: higher validation accuracy'}
      </text>
    </svg>
  );
}
