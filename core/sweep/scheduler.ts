/**
 * Runs a stored sweep's trials one after another, each a normal recorded run (core/runs), and
 * keeps the sweep's record current after every change, so a stop or a crash loses at most the
 * steps since the running trial's last checkpoint:
 *
 * - a finished, pruned, failed or skipped trial is never run again;
 * - a trial whose run was stopped or interrupted continues from that run's latest checkpoint
 *   (a run killed before its first checkpoint has nothing to continue from and is started anew);
 * - the budget (runs started, or the trials' recorded wall time) and the early-stopping rule are
 *   applied as the sweep goes, and every early stop is stored with the numbers that decided it.
 */
import type { GraphFile } from '../graph/format';
import { resumeRecordedTraining, startRecordedTraining, type RecordedTraining } from '../runs/recordedTraining';
import type { TrialRecord } from '../store/sweeps';
import type { Workspace } from '../store/workspace';
import type { TrainingEvent } from '../train/events';
import type { TrainingRequest } from '../train/prepare';
import { resolveDimension, type SweepValue } from './dimensions';
import { medianStoppingDecision, runningBest } from './medianStopping';
import { trialInputs, type SweepSpec } from './spec';

/** How a trial's training is started or continued (the CLI: in this process; the app: through its training manager). */
export interface TrialRunner {
  start(request: TrainingRequest, names: { experiment: string; runName: string }, onEvent: (e: TrainingEvent) => void, onRunId: (runId: number) => void): RecordedTraining;
  resume(runId: number, onEvent: (e: TrainingEvent) => void): RecordedTraining;
}

export function directRunner(ws: Workspace): TrialRunner {
  return {
    start: (request, names, onEvent, onRunId) =>
      startRecordedTraining(request, ws, { experiment: names.experiment, runName: names.runName, onEvent, onPrepared: (_info, runId) => runId !== null && onRunId(runId) }),
    resume: (runId, onEvent) => resumeRecordedTraining(ws, runId, { onEvent }),
  };
}

export interface SweepHandlers {
  /** A trial's run is recorded (new or continued). */
  onTrialStart?: (trial: TrialRecord, runId: number, continued: boolean) => void;
  /** A trial reached its final state (or went back to pending on a stop). */
  onTrialEnd?: (trial: TrialRecord) => void;
  onEvent?: (trialIndex: number, event: TrainingEvent) => void;
}

export interface SweepExecution {
  /** Stops the running trial (it stays resumable) and ends the sweep as 'stopped'. */
  stop(): void;
  readonly done: Promise<void>;
}

const TERMINAL = new Set(['finished', 'pruned', 'failed', 'skipped']);
const HEARTBEAT_MS = 30_000;

/** The stored sweep's spec with its dimensions resolved against its graph. */
export function loadSweepSpec(ws: Workspace, sweepId: number) {
  const record = ws.sweeps.get(sweepId);
  if (!record) throw new Error(`no sweep ${sweepId} in ${ws.path}`);
  const spec = record.spec as SweepSpec;
  const targets = spec.dimensions.map((d) => resolveDimension(d.name, spec.graph as GraphFile));
  return { record, spec, targets };
}

/** Claims sweep `sweepId` for this process and works through its trials. */
export function runSweep(ws: Workspace, sweepId: number, runner: TrialRunner = directRunner(ws), handlers: SweepHandlers = {}): SweepExecution {
  ws.sweeps.claim(sweepId);
  const { record, spec, targets } = loadSweepSpec(ws, sweepId);
  let stopRequested = false;
  let current: RecordedTraining | null = null;
  const heartbeat = setInterval(() => ws.sweeps.heartbeat(sweepId), HEARTBEAT_MS);
  heartbeat.unref();

  const trialRecord = (index: number) => ws.sweeps.trials(sweepId)[index];
  const runWallMs = () => ws.sweeps.trials(sweepId).reduce((ms, t) => ms + (t.runId !== null ? (ws.runs.get(t.runId)?.wallMs ?? 0) : 0), 0);
  const valCurve = (runId: number) => ws.series.epochs(runId).map((e) => e.valAccuracy);
  const end = (t: TrialRecord, change: Parameters<Workspace['sweeps']['updateTrial']>[2]) => {
    ws.sweeps.updateTrial(sweepId, t.index, change);
    handlers.onTrialEnd?.(trialRecord(t.index));
  };

  async function runTrial(t: TrialRecord): Promise<void> {
    const { budget, earlyStopping } = spec;
    const started = ws.sweeps.trials(sweepId).filter((x) => x.runId !== null || x.state !== 'pending').length;
    if (t.runId === null && t.state === 'pending') {
      if (budget.runs !== undefined && started >= budget.runs) return end(t, { state: 'skipped', decision: { budget: `${budget.runs} runs started` } });
      if (budget.minutes !== undefined && runWallMs() >= budget.minutes * 60_000) return end(t, { state: 'skipped', decision: { budget: `${budget.minutes} minutes used` } });
    }
    let continueRunId: number | null = null;
    if (t.decision && (t.decision as { rule?: string }).rule === 'median') return end(t, { state: 'pruned' }); // decided just before a crash
    if (t.runId !== null) {
      const run = ws.runs.get(t.runId);
      if (run && (run.status === 'completed' || run.status === 'diverged')) return end(t, { state: 'finished' }); // ended just before a crash
      if (run && ws.latestCheckpoint(run.id)) continueRunId = run.id;
      else if (run) ws.runs.delete(run.id); // killed before its first checkpoint: nothing to continue from
    }
    const peers = ws.sweeps
      .trials(sweepId)
      .filter((x) => x.index !== t.index && x.runId !== null && (x.state === 'finished' || x.state === 'pruned'))
      .map((x) => runningBest(valCurve(x.runId!)));
    const own: (number | null)[] = continueRunId !== null ? valCurve(continueRunId) : [];
    let pruned = false;
    let outOfTime = false;
    const onEvent = (e: TrainingEvent) => {
      handlers.onEvent?.(t.index, e);
      if (e.type !== 'epoch' || earlyStopping.rule !== 'median' || pruned) return;
      own.push(e.valAccuracy);
      const decision = medianStoppingDecision(own, peers, earlyStopping);
      if (decision) {
        pruned = true;
        ws.sweeps.updateTrial(sweepId, t.index, { decision: { rule: 'median', ...decision } });
        current?.stop();
      }
    };
    let runId = continueRunId;
    if (continueRunId !== null) {
      current = runner.resume(continueRunId, onEvent);
      ws.sweeps.updateTrial(sweepId, t.index, { state: 'running' });
      handlers.onTrialStart?.(trialRecord(t.index), continueRunId, true);
    } else {
      const inputs = trialInputs(spec, targets, t.values as Record<string, SweepValue>);
      const defaultExperiment = record.experiment === `sweep-${sweepId}`;
      const request: TrainingRequest = { graph: inputs.graph, data: spec.data, resize: spec.resize, config: inputs.settings, backend: spec.backend };
      current = runner.start(request, { experiment: record.experiment, runName: defaultExperiment ? `trial-${t.index + 1}` : `sweep-${sweepId}-trial-${t.index + 1}` }, onEvent, (id) => {
        runId = id;
        ws.sweeps.updateTrial(sweepId, t.index, { state: 'running', runId: id });
        handlers.onTrialStart?.(trialRecord(t.index), id, false);
      });
    }
    const timer =
      budget.minutes !== undefined
        ? setTimeout(() => {
            outOfTime = true;
            current?.stop();
          }, Math.max(0, budget.minutes * 60_000 - runWallMs()))
        : null;
    try {
      const result = await current.done;
      if (result.storeFault) throw result.storeFault;
      const status = result.outcome.status;
      if (status !== 'stopped') end(t, { state: 'finished' });
      else if (pruned) end(t, { state: 'pruned' });
      else if (outOfTime && !stopRequested) end(t, { state: 'skipped', decision: { budget: `${budget.minutes} minutes used; stopped at step ${result.outcome.steps}` } });
      else end(t, { state: 'pending' }); // stopped by the user: continued from its checkpoint next time
    } catch (e) {
      if ((e as Error).name === 'WorkspaceFault') throw e;
      end(t, { state: 'failed', decision: { error: (e as Error).message }, ...(runId === null ? {} : { runId }) });
    } finally {
      if (timer) clearTimeout(timer);
      current = null;
    }
  }

  const done = (async () => {
    try {
      for (const t of ws.sweeps.trials(sweepId)) {
        if (stopRequested) break;
        if (TERMINAL.has(t.state)) continue;
        await runTrial(t);
      }
      const trials = ws.sweeps.trials(sweepId);
      if (stopRequested && trials.some((t) => !TERMINAL.has(t.state))) ws.sweeps.setStatus(sweepId, 'stopped', 'stopped; continue it with cnnwb sweep --resume ' + sweepId);
      else {
        const skipped = trials.filter((t) => t.state === 'skipped').length;
        ws.sweeps.setStatus(sweepId, 'completed', skipped ? `budget reached: ${skipped} trial(s) skipped` : null);
      }
    } catch (e) {
      try {
        ws.sweeps.setStatus(sweepId, 'failed', (e as Error).message);
      } catch {
        // the workspace cannot be written: the next open finds the sweep's process gone
      }
      throw e;
    } finally {
      clearInterval(heartbeat);
    }
  })();

  return {
    stop: () => {
      stopRequested = true;
      current?.stop();
    },
    done,
  };
}
