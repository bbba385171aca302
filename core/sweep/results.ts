/** A sweep's table: one row per trial with its varied values, its run's status and its accuracies. */
import type { SweepRecord, TrialState } from '../store/sweeps';
import type { Workspace } from '../store/workspace';

export interface SweepResultRow {
  /** 1-based, as shown. */
  trial: number;
  values: Record<string, unknown>;
  state: TrialState;
  runId: number | null;
  runStatus: string | null;
  /** Best validation accuracy of the run (what the sweep compares). */
  valAccuracy: number | null;
  /** Accuracy on the test split, measured once at the run's end (null for a pruned or unfinished run). */
  testAccuracy: number | null;
  epochs: number;
  wallMs: number;
  decision: unknown;
}

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
      values: t.values,
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
