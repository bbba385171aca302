import type Database from 'better-sqlite3';
import { Checkpoints, checkCheckpoint } from './checkpoints';
import { encodeHistogram } from './codec';
import { StoreError } from './errors';
import { checkEvaluation, Evaluations } from './evaluations';
import { currentOwner } from './owner';
import {
  RESUMABLE_STATUSES,
  STAT_TENSORS,
  type Checkpoint,
  type CheckpointInput,
  type EndStatus,
  type EpochMetric,
  type EvaluationInput,
  type LayerStat,
  type Run,
  type RunSpec,
  type StepMetric,
} from './records';
import { Runs } from './runs';
import { Settings } from './settings';

export interface RecorderOptions {
  /** Commit when this many events are buffered (default 512). */
  flushEveryEvents?: number;
  /** Commit when the oldest buffered event is this old, checked on each push and by a timer (default 1000 ms). */
  flushIntervalMs?: number;
  /** Keep layer statistics every this many steps (default: the workspace setting statsEvery). */
  statsEvery?: number;
  /** Checkpoints to keep, newest first; 0 keeps all (default: the workspace setting keepCheckpoints). */
  keepCheckpoints?: number;
  /** Called after each committed batch, e.g. to tell a parent process what is safely on disk. */
  onCommit?: (commit: CommitInfo) => void;
}

export interface CommitInfo {
  /** Highest step whose metrics are now on disk (null if none yet). */
  lastStep: number | null;
  /** Events written by this commit. */
  events: number;
  /** Time the transaction took. */
  ms: number;
}

type EpochEvent = EpochMetric & { step: number };

function checkStep(e: StepMetric): void {
  if (!Number.isSafeInteger(e.step) || e.step < 0) throw new StoreError(`step event: step must be an integer >= 0, got ${e.step}`);
  if (!Number.isSafeInteger(e.epoch) || e.epoch < 0) throw new StoreError(`step event ${e.step}: epoch must be an integer >= 0, got ${e.epoch}`);
  for (const key of ['loss', 'lr', 'stepMs', 'imagesPerSec'] as const)
    if (typeof e[key] !== 'number' || (key !== 'loss' && Number.isNaN(e[key]))) throw new StoreError(`step event ${e.step}: ${key} must be a number, got ${e[key]}`);
}

/**
 * The trainer's side of the store. Every call on the training path only pushes to an array;
 * the buffered events are written in one transaction when flushEveryEvents are waiting or the
 * oldest is flushIntervalMs old, and always on checkpoint, status change and finish.
 *
 *   const recorder = workspace.startRun({ experiment, graph, hyperParameters, dataset, seed, backend });
 *   recorder.step({ step, epoch, loss, lr, stepMs, imagesPerSec });     // every step
 *   if (recorder.wantsLayerStats(step)) recorder.layerStats({ step, layerId, tensor: 'dW', stats });
 *   recorder.epoch({ epoch, trainLoss, trainAccuracy, valLoss, valAccuracy });
 *   recorder.checkpoint({ step, epoch, weights, optimizerState, trainerState });
 *   recorder.finish('completed');
 *
 * A commit that fails on an opportunistic flush (disk full, say) keeps its events buffered and
 * is retried later; checkpoint(), flush() and finish() commit too and throw if that fails.
 */
export class RunRecorder {
  readonly runId: number;
  readonly statsEvery: number;
  private readonly keepCheckpoints: number;
  private readonly flushEveryEvents: number;
  private readonly flushIntervalMs: number;
  private readonly onCommit?: (commit: CommitInfo) => void;

  private steps: StepMetric[] = [];
  private epochs: EpochEvent[] = [];
  private stats: LayerStat[] = [];
  private evaluations: EvaluationInput[] = [];
  private oldestBufferedAt = 0;
  private lastStepSeen: number | null;
  private bestValAccuracy: number | null;
  private wallBeforeSegment: number;
  private segmentStartedAt: number | null;
  private finished = false;
  private readonly timer: ReturnType<typeof setInterval>;

  private readonly runs: Runs;
  private readonly checkpoints: Checkpoints;
  private readonly evaluationStore: Evaluations;
  private readonly insertStep: Database.Statement;
  private readonly insertEpoch: Database.Statement;
  private readonly insertStat: Database.Statement;
  private readonly updateProgress: Database.Statement;

  /** Use Workspace.startRun / Workspace.resumeRun. */
  constructor(
    private readonly db: Database.Database,
    run: Run,
    options: RecorderOptions = {},
  ) {
    const settings = new Settings(db);
    this.runId = run.id;
    this.statsEvery = options.statsEvery ?? run.statsEvery;
    this.keepCheckpoints = options.keepCheckpoints ?? settings.get('keepCheckpoints');
    this.flushEveryEvents = options.flushEveryEvents ?? 512;
    this.flushIntervalMs = options.flushIntervalMs ?? 1000;
    this.onCommit = options.onCommit;
    if (!Number.isInteger(this.statsEvery) || this.statsEvery < 1) throw new StoreError(`recorder: statsEvery must be an integer >= 1, got ${this.statsEvery}`);
    this.lastStepSeen = run.lastStep;
    this.bestValAccuracy = run.bestValAccuracy;
    this.wallBeforeSegment = run.wallMs;
    this.segmentStartedAt = performance.now();

    this.runs = new Runs(db);
    this.checkpoints = new Checkpoints(db);
    this.evaluationStore = new Evaluations(db);
    this.insertStep = db.prepare(
      `INSERT OR REPLACE INTO step_metrics (run_id, step, epoch, loss, lr, step_ms, images_per_sec) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertEpoch = db.prepare(
      `INSERT OR REPLACE INTO epoch_metrics (run_id, epoch, step, train_loss, train_acc, val_loss, val_acc) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertStat = db.prepare(
      `INSERT OR REPLACE INTO layer_stats (run_id, step, layer_id, tensor, norm, mean, std, min, max, histogram) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.updateProgress = db.prepare(`UPDATE runs SET heartbeat_at = ?, wall_ms = ?, best_val_acc = ? WHERE id = ?`);
    this.timer = setInterval(() => this.flushIfDue(), this.flushIntervalMs);
    this.timer.unref?.();
  }

  /**
   * Whether layer statistics for this step will be kept (so the trainer can skip computing them):
   * every statsEvery steps, and step 1 (the statistics at initialisation), as the trainer emits them.
   */
  wantsLayerStats(step: number): boolean {
    return step % this.statsEvery === 0 || step === 1;
  }

  step(e: StepMetric): void {
    this.checkOpen();
    checkStep(e);
    this.steps.push(e);
    this.lastStepSeen = e.step;
    this.pushed();
  }

  /** End of an epoch; `step` defaults to the last step pushed. */
  epoch(e: EpochMetric & { step?: number }): void {
    this.checkOpen();
    const step = e.step ?? this.lastStepSeen ?? 0;
    if (!Number.isSafeInteger(e.epoch) || e.epoch < 0) throw new StoreError(`epoch event: epoch must be an integer >= 0, got ${e.epoch}`);
    this.epochs.push({ ...e, step });
    if (e.valAccuracy != null && !Number.isNaN(e.valAccuracy) && (this.bestValAccuracy === null || e.valAccuracy > this.bestValAccuracy))
      this.bestValAccuracy = e.valAccuracy;
    this.pushed();
  }

  /** Statistics of one tensor of one layer; dropped unless wantsLayerStats(step). */
  layerStats(e: LayerStat): void {
    this.checkOpen();
    if (!this.wantsLayerStats(e.step)) return;
    if (!STAT_TENSORS.includes(e.tensor)) throw new StoreError(`layerStats event (step ${e.step}, layer ${e.layerId}): tensor must be one of ${STAT_TENSORS.join(', ')}`);
    this.stats.push(e);
    this.pushed();
  }

  evaluation(e: EvaluationInput): void {
    this.checkOpen();
    checkEvaluation(e);
    this.evaluations.push(e);
    this.pushed();
  }

  /** Writes everything buffered and the checkpoint in one transaction; returns the checkpoint id. */
  checkpoint(c: CheckpointInput): number {
    this.checkOpen();
    const trainerStateJson = checkCheckpoint(c);
    let id = 0;
    this.commit(() => {
      id = this.checkpoints.insert(this.runId, c, trainerStateJson);
      this.checkpoints.prune(this.runId, this.keepCheckpoints);
    });
    return id;
  }

  /** 'paused' while the user pauses (wall time stops), 'running' when training goes on. */
  setPaused(paused: boolean): void {
    this.checkOpen();
    const now = performance.now();
    if (paused && this.segmentStartedAt !== null) {
      this.wallBeforeSegment += now - this.segmentStartedAt;
      this.segmentStartedAt = null;
    } else if (!paused && this.segmentStartedAt === null) {
      this.segmentStartedAt = now;
    }
    this.commit(() => this.runs.setStatus(this.runId, paused ? 'paused' : 'running'));
  }

  /** Writes what is buffered now. */
  flush(): void {
    this.checkOpen();
    this.commit(() => {});
  }

  /**
   * Writes what is buffered and ends the run: 'completed', 'stopped' (by the user; resumable),
   * 'diverged' or 'failed' (with the error in detail). The recorder cannot be used afterwards.
   */
  finish(status: EndStatus, detail: string | null = null): void {
    this.end(status, detail);
  }

  /**
   * Writes what is buffered and leaves the run 'interrupted' (resumable): what Workspace.close()
   * does to a recorder that was never finished.
   */
  interrupt(detail: string): void {
    this.end('interrupted', detail);
  }

  /**
   * Ends the run 'failed' after a commit could not be written (disk full, I/O error): the buffered
   * events are dropped (a resume replays them from the last checkpoint anyway) and only the status
   * is written, after the failed commit's rollback — a one-row update, which fits in the WAL space
   * that commit took. If even that cannot be written, the run stays 'running' under this process
   * and the next open marks it interrupted (resumable as well). Returns whether it was written.
   */
  failAfterStoreFault(detail: string): boolean {
    if (this.finished) return false;
    this.steps = [];
    this.epochs = [];
    this.stats = [];
    this.evaluations = [];
    this.finished = true;
    clearInterval(this.timer);
    try {
      this.db
        .transaction(() => {
          this.runs.setStatus(this.runId, 'failed', detail);
          this.db.prepare(`UPDATE runs SET owner_host = NULL, owner_pid = NULL, owner_token = NULL WHERE id = ?`).run(this.runId);
        })
        .immediate();
      return true;
    } catch {
      return false;
    }
  }

  get isFinished(): boolean {
    return this.finished;
  }

  private end(status: EndStatus | 'interrupted', detail: string | null): void {
    this.checkOpen();
    if (this.segmentStartedAt !== null) {
      this.wallBeforeSegment += performance.now() - this.segmentStartedAt;
      this.segmentStartedAt = null;
    }
    try {
      this.commit(() => {
        this.runs.setStatus(this.runId, status, detail);
        this.db.prepare(`UPDATE runs SET owner_host = NULL, owner_pid = NULL, owner_token = NULL WHERE id = ?`).run(this.runId);
      });
    } finally {
      this.finished = true;
      clearInterval(this.timer);
    }
  }

  /** The error of the last opportunistic commit that failed, if any (its events are still buffered). */
  lastCommitError: unknown = null;

  get bufferedEvents(): number {
    return this.steps.length + this.epochs.length + this.stats.length + this.evaluations.length;
  }

  private checkOpen(): void {
    if (this.finished) throw new StoreError(`run ${this.runId}: the recorder has finished`);
  }

  private pushed(): void {
    const n = this.bufferedEvents;
    if (n === 1) this.oldestBufferedAt = performance.now();
    if (n >= this.flushEveryEvents || performance.now() - this.oldestBufferedAt >= this.flushIntervalMs) this.tryFlush();
  }

  private flushIfDue(): void {
    if (!this.finished && this.bufferedEvents > 0 && performance.now() - this.oldestBufferedAt >= this.flushIntervalMs) this.tryFlush();
  }

  private tryFlush(): void {
    try {
      this.commit(() => {});
    } catch (e) {
      this.lastCommitError = e; // events stay buffered and are retried; an explicit commit throws
      this.oldestBufferedAt = performance.now();
    }
  }

  private commit(extra: () => void): void {
    const started = performance.now();
    const steps = this.steps;
    const epochs = this.epochs;
    const stats = this.stats;
    const evaluations = this.evaluations;
    const events = steps.length + epochs.length + stats.length + evaluations.length;
    const runId = this.runId;
    this.db
      .transaction(() => {
        for (const s of steps) this.insertStep.run(runId, s.step, s.epoch, s.loss, s.lr, s.stepMs, s.imagesPerSec);
        for (const e of epochs) this.insertEpoch.run(runId, e.epoch, e.step, e.trainLoss, e.trainAccuracy, e.valLoss, e.valAccuracy);
        for (const l of stats) {
          const t = l.stats;
          this.insertStat.run(runId, l.step, l.layerId, l.tensor, t.norm, t.mean, t.std, t.min, t.max, encodeHistogram(t.histogram));
        }
        for (const e of evaluations) this.evaluationStore.insert(runId, e);
        extra();
        this.updateProgress.run(Date.now(), this.wallNow(), this.bestValAccuracy, runId);
      })
      .immediate();
    this.lastCommitError = null;
    this.steps = [];
    this.epochs = [];
    this.stats = [];
    this.evaluations = [];
    let lastStep: number | null = null;
    for (const s of steps) if (lastStep === null || s.step > lastStep) lastStep = s.step;
    this.onCommit?.({ lastStep, events, ms: performance.now() - started });
  }

  private wallNow(): number {
    return this.wallBeforeSegment + (this.segmentStartedAt === null ? 0 : performance.now() - this.segmentStartedAt);
  }
}

/** Creates the run (status 'running', owned by this process) and returns its recorder. */
export function startRun(db: Database.Database, spec: RunSpec, options: RecorderOptions = {}): RunRecorder {
  const statsEvery = options.statsEvery ?? new Settings(db).get('statsEvery');
  const run = new Runs(db).create(spec, statsEvery);
  return new RunRecorder(db, run, options);
}

/**
 * Continues a paused, stopped or interrupted run (or a 'running' one whose process is gone) from
 * its latest checkpoint: everything recorded after that checkpoint's step is removed, so the
 * trainer replays from step checkpoint.step + 1 onto a clean history. The trainer restores
 * weights, optimizer state and its own state from the returned checkpoint.
 */
export function resumeRun(db: Database.Database, runId: number, options: RecorderOptions = {}): { recorder: RunRecorder; checkpoint: Checkpoint } {
  const runs = new Runs(db);
  const checkpoints = new Checkpoints(db);
  const owner = currentOwner();
  const checkpoint = db
    .transaction(() => {
      const run = runs.get(runId);
      if (!run) throw new StoreError(`no run with id ${runId}`);
      const label = `run ${runId} (${run.experiment}/${run.name})`;
      if (run.status === 'running' && runs.isLive(runId)) throw new StoreError(`${label} is still being recorded by a live process`);
      if (run.status !== 'running' && !RESUMABLE_STATUSES.includes(run.status))
        throw new StoreError(`${label} is ${run.status}; only ${RESUMABLE_STATUSES.join(', ')} runs can be resumed`);
      const latest = checkpoints.latest(runId);
      if (!latest) throw new StoreError(`${label} has no checkpoint to resume from`);
      for (const table of ['step_metrics', 'epoch_metrics', 'layer_stats', 'evaluations', 'checkpoints'])
        db.prepare(`DELETE FROM ${table} WHERE run_id = ? AND step > ?`).run(runId, latest.step);
      db.prepare(
        `UPDATE runs SET status = 'running', status_detail = NULL, ended_at = NULL, owner_host = ?, owner_pid = ?, owner_token = ?, heartbeat_at = ?,
           best_val_acc = (SELECT max(val_acc) FROM epoch_metrics WHERE run_id = ?)
         WHERE id = ?`,
      ).run(owner.host, owner.pid, owner.token, Date.now(), runId, runId);
      return latest;
    })
    .immediate();
  return { recorder: new RunRecorder(db, runs.get(runId)!, options), checkpoint };
}
