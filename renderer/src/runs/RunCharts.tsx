import type { RunDetail } from '../../../core/api/contract';
import { Plot } from '../plots/Plot';

const COLORS = ['#1e88e5', '#e53935', '#43a047', '#fb8c00', '#8e24aa', '#00897b'];

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

/** Loss per step and loss/accuracy per epoch, one colour per run (dashed: validation). */
export function RunCharts({ runs, width = 340 }: { runs: RunDetail[]; width?: number }) {
  const label = (r: RunDetail) => `${r.summary.name}`;
  const stepLoss = align(runs.map((r) => r.steps.map((s) => s.step)), runs.map((r) => r.steps.map((s) => s.loss)));
  const epochX = runs.map((r) => r.epochs.map((e) => e.epoch));
  const epochLoss = align([...epochX, ...epochX], [...runs.map((r) => r.epochs.map((e) => e.trainLoss)), ...runs.map((r) => r.epochs.map((e) => e.valLoss))]);
  const epochAcc = align([...epochX, ...epochX], [...runs.map((r) => r.epochs.map((e) => e.trainAccuracy)), ...runs.map((r) => r.epochs.map((e) => e.valAccuracy))]);
  const perRun = (suffix: string, dash?: number[]) => runs.map((r, i) => ({ label: `${label(r)} ${suffix}`, color: COLORS[i % COLORS.length], dash, points: true }));
  const version = runs.reduce((n, r) => n + r.steps.length + r.epochs.length, 0);
  return (
    <div className="plots">
      <Plot title="Loss per step" data={stepLoss} series={runs.map((r, i) => ({ label: label(r), color: COLORS[i % COLORS.length] }))} version={version} width={width} />
      <Plot title="Loss per epoch" xLabel="epoch" data={epochLoss} series={[...perRun('train'), ...perRun('validation', [4, 3])]} version={version} width={width} />
      <Plot title="Accuracy per epoch" xLabel="epoch" data={epochAcc} series={[...perRun('train'), ...perRun('validation', [4, 3])]} version={version} width={width} />
    </div>
  );
}
