import { useStore } from 'zustand';
import type { SweepDetail } from '../../../core/api/contract';
import { sweepStore } from './sweep-store';
import { axisOf, cellOf, formatCell, percent, positionOn, type SweepColumn } from './sweep-view';

const W = 420;
const H = 220;
const PAD = { left: 56, right: 16, top: 12, bottom: 40 };

/** A metric (best validation or test accuracy) against one varied value, one point per trial. */
export function SweepScatter({ detail }: { detail: SweepDetail }) {
  const chosenX = useStore(sweepStore, (s) => s.scatterX);
  const metric = useStore(sweepStore, (s) => s.scatterY);
  const dimension = chosenX && detail.dimensions.includes(chosenX) ? chosenX : detail.dimensions[0];
  const column = `dim:${dimension}` as SweepColumn;
  const xAxis = axisOf(detail.rows.map((r) => cellOf(r, column)));
  const points = detail.rows.filter((r) => r[metric] !== null);
  const yAxis = axisOf(points.map((r) => r[metric]));
  // values sit a little inside the axes, so a point at an extreme is not drawn on an axis line
  const px = (t: number) => PAD.left + (0.05 + 0.9 * t) * (W - PAD.left - PAD.right);
  const py = (t: number) => PAD.top + (1 - (0.05 + 0.9 * t)) * (H - PAD.top - PAD.bottom);
  const [left, right, top, bottom] = [PAD.left, W - PAD.right, PAD.top, H - PAD.bottom];
  const xTicks = xAxis.kind === 'category' ? xAxis.categories : [xAxis.lo, xAxis.hi].map((v) => formatCell(v));
  const yTicks = yAxis.kind !== 'number' ? [] : yAxis.hi === yAxis.lo ? [yAxis.lo] : [yAxis.lo, yAxis.hi];
  return (
    <div className="sweep-scatter">
      <div className="inline">
        <label>
          x{' '}
          <select aria-label="Scatter x" value={dimension} onChange={(e) => sweepStore.setState({ scatterX: e.target.value })}>
            {detail.dimensions.map((d) => (
              <option key={d}>{d}</option>
            ))}
          </select>
        </label>
        <label>
          y{' '}
          <select aria-label="Scatter y" value={metric} onChange={(e) => sweepStore.setState({ scatterY: e.target.value as typeof metric })}>
            <option value="valAccuracy">best validation accuracy</option>
            <option value="testAccuracy">test accuracy</option>
          </select>
        </label>
      </div>
      <svg className="sweep-plot" viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={`Scatter of ${metric === 'valAccuracy' ? 'best validation accuracy' : 'test accuracy'} against ${dimension}`} data-points={points.length}>
        <line x1={left} x2={right} y1={bottom} y2={bottom} stroke="#9aa3ae" />
        <line x1={left} x2={left} y1={bottom} y2={top} stroke="#9aa3ae" />
        {xTicks.map((l, k) => (
          <text key={k} x={px(xTicks.length === 1 ? 0.5 : k / (xTicks.length - 1))} y={bottom + 14} textAnchor="middle" className="sweep-tick">
            {l}
          </text>
        ))}
        <text x={px(0.5)} y={H - 6} textAnchor="middle" className="sweep-axis-title">
          {dimension}
        </text>
        {yTicks.map((v, k) => (
          <text key={k} x={left - 4} y={py(yTicks.length === 1 ? 0.5 : k) + 4} textAnchor="end" className="sweep-tick">
            {percent(v)}
          </text>
        ))}
        {points.map((r) => {
          const cx = px(positionOn(xAxis, cellOf(r, column)));
          const cy = py(positionOn(yAxis, r[metric]));
          return (
            <circle key={r.trial} cx={cx} cy={cy} r={5} fill="#1e88e5" fillOpacity={0.75} stroke="#0d47a1">
              <title>{`trial ${r.trial}: ${dimension} = ${formatCell(cellOf(r, column))}, ${percent(r[metric])}`}</title>
            </circle>
          );
        })}
      </svg>
    </div>
  );
}
