import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { StoreError } from './errors';
import { currentOwner, ownerMayBeAlive } from './owner';

/**
 * Sweeps (core/sweep) as the store keeps them: the spec (opaque JSON to the store) and its digest,
 * the status, and the trials in order with their values, their state and the run each one records
 * into. A sweep is 'running' while a process works through it (owner as for runs, owner.ts); one
 * whose process is gone reads as interrupted (`live` false) and can be claimed again to continue.
 */
export const SWEEP_STATUSES = ['running', 'stopped', 'completed', 'failed'] as const;
export type SweepStatus = (typeof SWEEP_STATUSES)[number];
export const TRIAL_STATES = ['pending', 'running', 'finished', 'pruned', 'failed', 'skipped'] as const;
export type TrialState = (typeof TRIAL_STATES)[number];

export interface SweepRecord {
  id: number;
  uid: string;
  experiment: string;
  spec: unknown;
  specDigest: string;
  status: SweepStatus;
  statusDetail: string | null;
  createdAt: number;
  endedAt: number | null;
  /** False for a 'running' sweep whose process is gone (interrupted: continue it with --resume). */
  live: boolean;
}

export interface TrialRecord {
  sweepId: number;
  index: number;
  values: Record<string, unknown>;
  state: TrialState;
  runId: number | null;
  /** Why an early-stopping rule stopped it, or why it failed / was skipped. */
  decision: unknown;
}

interface SweepRow {
  id: number;
  uid: string;
  experiment: string;
  spec_json: string;
  spec_digest: string;
  status: SweepStatus;
  status_detail: string | null;
  created_at: number;
  ended_at: number | null;
  owner_host: string | null;
  owner_pid: number | null;
  owner_token: string | null;
  heartbeat_at: number | null;
}

interface TrialRow {
  sweep_id: number;
  idx: number;
  values_json: string;
  state: TrialState;
  run_id: number | null;
  decision_json: string | null;
}

const ownerAlive = (r: SweepRow) =>
  r.status === 'running' && ownerMayBeAlive({ host: r.owner_host ?? undefined, pid: r.owner_pid ?? undefined, token: r.owner_token, heartbeatAt: r.heartbeat_at });

function toSweep(r: SweepRow): SweepRecord {
  return {
    id: r.id,
    uid: r.uid,
    experiment: r.experiment,
    spec: JSON.parse(r.spec_json) as unknown,
    specDigest: r.spec_digest,
    status: r.status,
    statusDetail: r.status_detail,
    createdAt: r.created_at,
    endedAt: r.ended_at,
    live: ownerAlive(r),
  };
}

const toTrial = (r: TrialRow): TrialRecord => ({
  sweepId: r.sweep_id,
  index: r.idx,
  values: JSON.parse(r.values_json) as Record<string, unknown>,
  state: r.state,
  runId: r.run_id,
  decision: r.decision_json === null ? null : (JSON.parse(r.decision_json) as unknown),
});

export class Sweeps {
  constructor(private readonly db: Database.Database) {}

  /**
   * Records a new sweep with all its trials pending, owned by this process. `experiment` may use
   * `{id}`, replaced by the new sweep's id (the default experiment is `sweep-{id}`).
   */
  create(input: { experiment: string; spec: unknown; specDigest: string; trials: Record<string, unknown>[] }): SweepRecord {
    const owner = currentOwner();
    const id = this.db.transaction(() => {
      const now = Date.now();
      const sweepId = Number(
        this.db
          .prepare(
            `INSERT INTO sweeps (uid, experiment, spec_json, spec_digest, status, created_at, owner_host, owner_pid, owner_token, heartbeat_at)
             VALUES (?, '', ?, ?, 'running', ?, ?, ?, ?, ?)`,
          )
          .run(randomUUID(), JSON.stringify(input.spec), input.specDigest, now, owner.host, owner.pid, owner.token, now).lastInsertRowid,
      );
      this.db.prepare(`UPDATE sweeps SET experiment = ? WHERE id = ?`).run(input.experiment.replaceAll('{id}', String(sweepId)), sweepId);
      const insert = this.db.prepare(`INSERT INTO sweep_trials (sweep_id, idx, values_json, state) VALUES (?, ?, ?, 'pending')`);
      input.trials.forEach((values, idx) => insert.run(sweepId, idx, JSON.stringify(values)));
      return sweepId;
    }).immediate();
    return this.get(id)!;
  }

  get(id: number): SweepRecord | null {
    const row = this.db.prepare(`SELECT * FROM sweeps WHERE id = ?`).get(id) as SweepRow | undefined;
    return row ? toSweep(row) : null;
  }

  /** Sweeps, newest first. */
  list(): SweepRecord[] {
    return (this.db.prepare(`SELECT * FROM sweeps ORDER BY id DESC`).all() as SweepRow[]).map(toSweep);
  }

  /** The newest unfinished sweep (stopped, failed, or running with its process gone) with this spec digest, or null. */
  unfinishedWithDigest(digest: string): SweepRecord | null {
    return this.list().find((s) => s.specDigest === digest && s.status !== 'completed' && !s.live) ?? null;
  }

  trials(sweepId: number): TrialRecord[] {
    return (this.db.prepare(`SELECT * FROM sweep_trials WHERE sweep_id = ? ORDER BY idx`).all(sweepId) as TrialRow[]).map(toTrial);
  }

  /** The sweep and trial a run belongs to, or null. */
  trialOfRun(runId: number): TrialRecord | null {
    const row = this.db.prepare(`SELECT * FROM sweep_trials WHERE run_id = ?`).get(runId) as TrialRow | undefined;
    return row ? toTrial(row) : null;
  }

  /** Every run recorded by a sweep: run id -> its sweep and trial (for run lists). */
  runIndex(): Map<number, { sweepId: number; index: number }> {
    const rows = this.db.prepare(`SELECT run_id, sweep_id, idx FROM sweep_trials WHERE run_id IS NOT NULL`).all() as { run_id: number; sweep_id: number; idx: number }[];
    return new Map(rows.map((r) => [r.run_id, { sweepId: r.sweep_id, index: r.idx }]));
  }

  /** Makes this process the sweep's owner and marks it running; refused while another live process runs it. */
  claim(id: number): SweepRecord {
    const owner = currentOwner();
    this.db.transaction(() => {
      const row = this.db.prepare(`SELECT * FROM sweeps WHERE id = ?`).get(id) as SweepRow | undefined;
      if (!row) throw new StoreError(`no sweep ${id} in this workspace`);
      if (ownerAlive(row) && row.owner_pid !== owner.pid) throw new StoreError(`sweep ${id} is being run by process ${row.owner_pid} on ${row.owner_host}`);
      this.db
        .prepare(`UPDATE sweeps SET status = 'running', status_detail = NULL, ended_at = NULL, owner_host = ?, owner_pid = ?, owner_token = ?, heartbeat_at = ? WHERE id = ?`)
        .run(owner.host, owner.pid, owner.token, Date.now(), id);
    }).immediate();
    return this.get(id)!;
  }

  /** Ends the sweep's run through its trials (it can be claimed again unless completed). */
  setStatus(id: number, status: SweepStatus, detail: string | null = null): void {
    const ends = status !== 'running';
    if (this.db.prepare(`UPDATE sweeps SET status = ?, status_detail = ?, ended_at = CASE WHEN ? THEN ? ELSE NULL END WHERE id = ?`).run(status, detail, ends ? 1 : 0, Date.now(), id).changes === 0)
      throw new StoreError(`no sweep ${id} in this workspace`);
  }

  heartbeat(id: number): void {
    this.db.prepare(`UPDATE sweeps SET heartbeat_at = ? WHERE id = ?`).run(Date.now(), id);
  }

  updateTrial(sweepId: number, index: number, change: { state?: TrialState; runId?: number | null; decision?: unknown }): void {
    const sets: string[] = [];
    const args: unknown[] = [];
    if (change.state !== undefined) {
      sets.push('state = ?');
      args.push(change.state);
    }
    if (change.runId !== undefined) {
      sets.push('run_id = ?');
      args.push(change.runId);
    }
    if (change.decision !== undefined) {
      sets.push('decision_json = ?');
      args.push(change.decision === null ? null : JSON.stringify(change.decision));
    }
    if (sets.length === 0) return;
    const info = this.db.prepare(`UPDATE sweep_trials SET ${sets.join(', ')} WHERE sweep_id = ? AND idx = ?`).run(...args, sweepId, index);
    if (info.changes === 0) throw new StoreError(`sweep ${sweepId} has no trial ${index + 1}`);
  }
}
