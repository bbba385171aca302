import Database from 'better-sqlite3';
import { Checkpoints } from './checkpoints';
import { Drafts } from './drafts';
import { Evaluations } from './evaluations';
import { Experiments } from './experiments';
import type { RunSpec } from './records';
import { resumeRun, RunRecorder, startRun, type RecorderOptions } from './recorder';
import { Runs } from './runs';
import { Series } from './series';
import { Settings } from './settings';
import { Sweeps } from './sweeps';
import { WorkspaceOpenError } from './errors';
import { inspectWorkspaceFile, openReadOnlyConnection } from './inspect';
import { migrate, SCHEMA_VERSION } from './schema';

export { defaultWorkspacePath } from './paths';
export { WorkspaceOpenError } from './errors';

/** How long a connection waits for another connection's write lock before failing (ms). */
export const BUSY_TIMEOUT_MS = 10_000;

/** One open workspace file: a single better-sqlite3 connection and the stores built on it. */
export class Workspace {
  readonly drafts: Drafts;
  readonly settings: Settings;
  readonly experiments: Experiments;
  readonly runs: Runs;
  /** Per-step, per-epoch and per-layer time series: the read side for the UI and the CLI. */
  readonly series: Series;
  readonly checkpoints: Checkpoints;
  readonly evaluations: Evaluations;
  /** Sweeps (core/sweep): their specs, trials and the runs those recorded into. */
  readonly sweeps: Sweeps;
  /** Runs this open found 'running' with their process gone, and marked 'interrupted'. */
  readonly recoveredRunIds: number[];

  constructor(
    readonly path: string,
    readonly db: Database.Database,
    /** Opened by openWorkspaceReadOnly: nothing is written, not even the recovery of dead runs. */
    readonly readOnly = false,
    private readonly onClose: () => void = () => db.close(),
  ) {
    this.drafts = new Drafts(db);
    this.settings = new Settings(db);
    this.experiments = new Experiments(db);
    this.runs = new Runs(db);
    this.series = new Series(db);
    this.checkpoints = new Checkpoints(db);
    this.evaluations = new Evaluations(db);
    this.sweeps = new Sweeps(db);
    this.recoveredRunIds = readOnly ? [] : this.runs.recoverInterrupted();
  }

  /** Starts a run owned by this process and returns the recorder the trainer writes through. */
  startRun(spec: RunSpec, options?: RecorderOptions): RunRecorder {
    return this.track(startRun(this.db, spec, options));
  }

  /** Continues a run from its latest checkpoint (see resumeRun in recorder.ts). */
  resumeRun(runId: number, options?: RecorderOptions) {
    const resumed = resumeRun(this.db, runId, options);
    this.track(resumed.recorder);
    return resumed;
  }

  private readonly recorders = new Set<RunRecorder>();
  private track(recorder: RunRecorder): RunRecorder {
    for (const r of this.recorders) if (r.isFinished) this.recorders.delete(r);
    this.recorders.add(recorder);
    return recorder;
  }

  /** The newest checkpoint of a run (weights, optimizer and trainer state), or null. */
  latestCheckpoint(runId: number) {
    return this.checkpoints.latest(runId);
  }

  /** PRAGMA integrity_check: 'ok' or the problems SQLite lists. */
  checkIntegrity(): string[] {
    return (this.db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
  }

  /** Closes the file; a run still recording is written out and left 'interrupted' (resumable). */
  close(): void {
    if (!this.db.open) return;
    for (const r of this.recorders) {
      if (r.isFinished) continue;
      try {
        r.interrupt('the workspace was closed while the run was recording');
      } catch {
        // the next open's recovery marks it once this process is gone
      }
    }
    this.recorders.clear();
    this.onClose();
  }
}

/**
 * Opens (or creates) the workspace at `path`: WAL, foreign keys, busy timeout, schema migrated.
 * A file that is not a workspace, is damaged, or comes from a newer version throws
 * WorkspaceOpenError naming the file, and is not written to.
 */
export function openWorkspace(path: string): Workspace {
  inspectWorkspaceFile(path);
  let db: Database.Database;
  try {
    db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
  } catch (e) {
    throw new WorkspaceOpenError(path, 'unreadable', `cannot be opened (${(e as Error).message})`);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db);
    return new Workspace(path, db);
  } catch (e) {
    db.close();
    throw e instanceof WorkspaceOpenError ? e : new WorkspaceOpenError(path, 'unreadable', `cannot be prepared as a workspace (${(e as Error).message})`);
  }
}

/**
 * Opens an existing workspace for reading only (cnnwb runs list / show / compare / export): no
 * file is created or changed — a missing file is "no workspace at PATH", not a new workspace —
 * and a workspace on read-only media can be read. Runs left 'running' by a dead process are
 * shown as they are stored (the next writable open marks them interrupted).
 */
export function openWorkspaceReadOnly(path: string): Workspace {
  const state = inspectWorkspaceFile(path);
  if (state.kind === 'absent') throw new WorkspaceOpenError(path, 'absent', `no workspace at ${path}`);
  if (state.schemaVersion < SCHEMA_VERSION)
    throw new WorkspaceOpenError(path, 'older-version', `was written by an older CNN Workbench (schema ${state.schemaVersion}); open it once for writing (cnnwb train, the app) to upgrade it`);
  let opened: ReturnType<typeof openReadOnlyConnection>;
  try {
    opened = openReadOnlyConnection(path);
  } catch (e) {
    throw new WorkspaceOpenError(path, 'unreadable', `cannot be opened for reading (${(e as Error).message})`);
  }
  return new Workspace(path, opened.db, true, opened.close);
}
