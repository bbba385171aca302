import { useMemo, useState } from 'react';
import type { RunDetail } from '../../../core/api/contract';
import { Plot } from '../plots/Plot';
import { identicalTo, spansDecades } from './run-diff';

const COLORS = ['#1e88e5', '#e53935', '#43a047', '#fb8c00', '#8e24aa', '#00897b'];
/** One dash pattern per run, so curves that coincide still show both (solid under dashed under dotted). */
const DASHES: (number[] | undefined)[] = [undefined, [8, 5], [2, 4], [12, 4, 2, 4], [4, 4], [1, 6]];

/** Aligns several runs' series on the union of their x values (uPlot wants one x array). */
function align(xs: number[][], ys: (number | null)[][]): (number | null)[][] {
  const all = [...new Set(xs.flat())].sort((a, b) => a - b);
  const index = new Map(all.map((x, i) => [x, i]));
  return [all, ...ys.map((y, r) => {
    const column: (number | null)[] = new Array(all.length).fill(null);
    xs[r].forEach((x, i) => (column[index.get(x)!] = y[i]));
    return column;
  })];
}

/**
 * Loss per step and loss/accuracy per epoch, one colour and dash pattern per run (validation:
 * points). A run whose curve equals an earlier run's says so in the legend. The loss per step has
 * a log-scale switch, on at first when the losses span more than two decades.
 */
export function RunCharts({ runs, width = 340 }: { runs: RunDetail[]; width?: number }) {
  const stepLoss = align(runs.map((r) => r.steps.map((s) => s.step)), runs.map((r) => r.steps.map((s) => s.loss)));
  const [logLoss, setLogLoss] = useState(() => spansDecades(stepLoss.slice(1).flat()));
  const same = useMemo(() => identicalTo(runs.map((r) => ({ x: r.steps.map((s) => s.step), y: r.steps.map((s) => s.loss) }))), [runs]);
  const label = (i: number) => `${runs[i].summary.name}${same[i] !== null ? ` (identical to ${runs[same[i]!].summary.name})` : ''}`;
  const epochX = runs.map((r) => r.epochs.map((e) => e.epoch));
  const epochLoss = align([...epochX, ...epochX], [...runs.map((r) => r.epochs.map((e) => e.trainLoss)), ...runs.map((r) => r.epochs.map((e) => e.valLoss))]);
  const epochAcc = align([...epochX, ...epochX], [...runs.map((r) => r.epochs.map((e) => e.trainAccuracy)), ...runs.map((r) => r.epochs.map((e) => e.valAccuracy))]);
  const style = (i: number) => ({ color: COLORS[i % COLORS.length], dash: DASHES[i % DASHES.length] });
  const perRun = (suffix: string, points: boolean) => runs.map((r, i) => ({ label: `${r.summary.name} ${suffix}`, ...style(i), ...(points ? { points: true, dash: undefined } : {}) }));
  const version = runs.reduce((n, r) => n + r.steps.length + r.epochs.length, 0);
  return (
    <div className="run-charts">
      <label className="checkbox">
        <input type="checkbox" checked={logLoss} onChange={(e) => setLogLoss(e.target.checked)} /> Log scale (loss per step)
      </label>
      {same.some((s) => s !== null) && (
        <p className="muted" data-testid="identical-runs">
          {same.map((s, i) => (s !== null ? `${runs[i].summary.name} is identical to ${runs[s].summary.name} (dashed over solid)` : null)).filter(Boolean).join('; ')}
        </p>
      )}
      <div className="plots">
        <Plot title="Loss per step" data={stepLoss} series={runs.map((_, i) => ({ label: label(i), ...style(i) }))} version={version} width={width} logY={logLoss} />
        <Plot title="Loss per epoch" xLabel="epoch" data={epochLoss} series={[...perRun('train', false), ...perRun('validation', true)]} version={version} width={width} />
        <Plot title="Accuracy per epoch" xLabel="epoch" data={epochAcc} series={[...perRun('train', false), ...perRun('validation', true)]} version={version} width={width} />
      </div>
    </div>
  );
}
