/**
 * Sweeps in the app: a sweep runs its trials through the training manager, so each trial is a run
 * the Train panel follows (events, pause, stop) and the runs list shows; the sweep's table changes
 * are announced as onSweepChanged. The scheduler is the CLI's (core/sweep/scheduler).
 */
import type { StartSweepRequest, SweepDetail, SweepSummary } from '../api/contract';
import { parseGraph } from '../graph/parse';
import { resumeRecordedTraining, startRecordedTraining } from '../runs/recordedTraining';
import type { SweepRecord } from '../store/sweeps';
import type { Workspace } from '../store/workspace';
import type { TrainingConfigInput } from '../train/config';
import { createOrContinueSweep } from '../sweep/create';
import { parseDimensionText } from '../sweep/dimensionText';
import { sweepResults } from '../sweep/results';
import { runSweep, type SweepExecution, type TrialRunner } from '../sweep/scheduler';
import { DEFAULT_EARLY_STOPPING, type SweepSpec } from '../sweep/spec';
import type { TrainingManager } from './training-manager';

const DONE = new Set(['finished', 'pruned', 'failed', 'skipped']);

export class SweepManager {
  private readonly live = new Map<number, SweepExecution>();

  constructor(
    private readonly workspace: Workspace,
    private readonly training: TrainingManager,
    private readonly changed: (sweepId: number) => void,
  ) {}

  private runner(): TrialRunner {
    const ws = this.workspace;
    return {
      start: (request, names, onEvent, onRunId) => {
        const launched = this.training.launch((h) =>
          startRecordedTraining(request, ws, {
            experiment: names.experiment,
            runName: names.runName,
            onPrepared: (info, runId) => {
              if (runId !== null) onRunId(runId); // the trial knows its run before the UI hears of it
              h.onPrepared(info, runId);
            },
            onEvent: (e) => {
              h.onEvent(e);
              onEvent(e);
            },
          }),
        );
        launched.started.catch(() => undefined); // a trial that cannot start ends in its done (failed)
        return launched.training;
      },
      resume: (runId, onEvent) => {
        const launched = this.training.launch((h) => resumeRecordedTraining(ws, runId, { onPrepared: h.onPrepared, onEvent: (e) => (h.onEvent(e), onEvent(e)) }));
        launched.started.catch(() => undefined);
        return launched.training;
      },
    };
  }

  summary(s: SweepRecord): SweepSummary {
    const trials = this.workspace.sweeps.trials(s.id);
    const live = this.live.has(s.id);
    return {
      id: s.id,
      experiment: s.experiment,
      status: s.status,
      statusDetail: s.statusDetail,
      live,
      resumable: !live && s.status !== 'completed' && !s.live,
      trials: trials.length,
      done: trials.filter((t) => DONE.has(t.state)).length,
      createdAt: s.createdAt,
    };
  }

  start(request: StartSweepRequest): SweepSummary {
    const spec: SweepSpec = {
      graph: parseGraph(request?.graph),
      data: request.data,
      backend: request.backend || 'auto',
      settings: (request.settings ?? {}) as TrainingConfigInput,
      dimensions: (request.dimensions ?? []).filter((d) => d.trim() !== '').map(parseDimensionText),
      search: request.search?.kind === 'random' ? { kind: 'random', count: request.search.count, seed: request.search.seed } : { kind: 'grid' },
      budget: { ...(request.budget?.runs ? { runs: request.budget.runs } : {}), ...(request.budget?.minutes ? { minutes: request.budget.minutes } : {}) },
      earlyStopping: request.earlyStopping === 'none' ? { rule: 'none' } : DEFAULT_EARLY_STOPPING,
      ...(request.experiment?.trim() ? { experiment: request.experiment.trim() } : {}),
    };
    if (spec.data === undefined || spec.data === null || spec.data === '') throw new Error('startSweep: choose the data (sample, fashion-mnist or a path)');
    const { sweep } = createOrContinueSweep(this.workspace, spec, { continueSame: false });
    return this.run(sweep.id);
  }

  continue(sweepId: number): SweepSummary {
    if (this.live.has(sweepId)) throw new Error(`sweep ${sweepId} is already running`);
    return this.run(sweepId);
  }

  stop(sweepId: number): void {
    const execution = this.live.get(sweepId);
    if (!execution) throw new Error(`sweep ${sweepId} is not running in this workbench`);
    execution.stop();
  }

  async stopAll(): Promise<void> {
    for (const e of this.live.values()) e.stop();
    await Promise.allSettled([...this.live.values()].map((e) => e.done));
  }

  list(): SweepSummary[] {
    return this.workspace.sweeps.list().map((s) => this.summary(s));
  }

  detail(sweepId: number): SweepDetail {
    const r = sweepResults(this.workspace, sweepId);
    const spec = r.sweep.spec as SweepSpec;
    const rule = spec.earlyStopping;
    return {
      summary: this.summary(r.sweep),
      dimensions: r.dimensions,
      search: spec.search.kind === 'grid' ? 'grid' : `random: ${spec.search.count} trials, seed ${spec.search.seed}`,
      earlyStopping: rule.rule === 'none' ? 'none' : `median rule after ${rule.graceEpochs} epoch(s), ${rule.minPeers} peers`,
      rows: r.rows,
    };
  }

  private run(sweepId: number): SweepSummary {
    const execution = runSweep(this.workspace, sweepId, this.runner(), {
      onTrialStart: () => this.changed(sweepId),
      onTrialEnd: () => this.changed(sweepId),
      onEvent: (_i, e) => {
        if (e.type === 'epoch') this.changed(sweepId);
      },
    });
    this.live.set(sweepId, execution);
    execution.done
      .catch(() => undefined) // the sweep's record says why it failed
      .finally(() => {
        this.live.delete(sweepId);
        this.changed(sweepId);
      });
    this.changed(sweepId);
    return this.summary(this.workspace.sweeps.get(sweepId)!);
  }
}
