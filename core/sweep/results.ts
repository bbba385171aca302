/** A sweep's table: one row per trial with its varied values, its run's status and its accuracies. */
import type { SweepTrialRow } from '../api/sweeps';
import type { SweepRecord } from '../store/sweeps';
import type { Workspace } from '../store/workspace';

/** A row as the contract carries it (core/api/sweeps.ts); the CLI prints the same rows. */
export type SweepResultRow = SweepTrialRow;

export interface SweepResults {
  sweep: SweepRecord;
  dimensions: string[];
  rows: SweepResultRow[];
}

export function sweepResults(ws: Workspace, sweepId: number): SweepResults {
  const sweep = ws.sweeps.get(sweepId);
  if (!sweep) throw new Error(`no sweep ${sweepId} in ${ws.path}`);
  const spec = sweep.spec as { dimensions: { name: string }[] };
  const rows = ws.sweeps.trials(sweepId).map((t): SweepResultRow => {
    const run = t.runId !== null ? ws.runs.get(t.runId) : null;
    const test = run ? ws.evaluations.list(run.id).filter((e) => e.split === 'test').at(-1) : undefined;
    return {
      trial: t.index + 1,
      values: t.values as SweepTrialRow['values'],
      state: t.state,
      runId: run?.id ?? null,
      runStatus: run?.status ?? null,
      valAccuracy: run?.bestValAccuracy ?? null,
      testAccuracy: test?.accuracy ?? null,
      epochs: run?.lastEpoch ?? 0,
      wallMs: run?.wallMs ?? 0,
      decision: t.decision,
    };
  });
  return { sweep, dimensions: spec.dimensions.map((d) => d.name), rows };
}
