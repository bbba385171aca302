import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { StoreError } from './errors';
import { Experiments } from './experiments';
import { currentOwner, ownerMayBeAlive } from './owner';
import { RUN_STATUSES, type Run, type RunSpec, type RunStatus } from './records';

interface RunRow {
  id: number;
  uid: string;
  experiment_id: number;
  experiment: string;
  name: string;
  graph_json: string;
  hyper_json: string;
  dataset_name: string;
  dataset_fingerprint: string;
  seed: number;
  backend: string;
  status: RunStatus;
  status_detail: string | null;
  started_at: number;
  ended_at: number | null;
  wall_ms: number;
  best_val_acc: number | null;
  stats_every: number;
  last_step: number | null;
  last_epoch: number | null;
}

const SELECT_RUNS = `
  SELECT r.*, e.name AS experiment,
         (SELECT max(step) FROM step_metrics m WHERE m.run_id = r.id) AS last_step,
         (SELECT max(epoch) FROM step_metrics m WHERE m.run_id = r.id AND m.step = (SELECT max(step) FROM step_metrics WHERE run_id = r.id)) AS last_epoch
  FROM runs r JOIN experiments e ON e.id = r.experiment_id`;

function toRun(r: RunRow): Run {
  return {
    id: r.id,
    uid: r.uid,
    experimentId: r.experiment_id,
    experiment: r.experiment,
    name: r.name,
    graphJson: r.graph_json,
    hyperParameters: JSON.parse(r.hyper_json) as Record<string, unknown>,
    dataset: { name: r.dataset_name, fingerprint: r.dataset_fingerprint },
    seed: r.seed,
    backend: r.backend,
    status: r.status,
    statusDetail: r.status_detail,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    wallMs: r.wall_ms,
    bestValAccuracy: r.best_val_acc,
    statsEvery: r.stats_every,
    lastStep: r.last_step,
    lastEpoch: r.last_epoch,
  };
}

function checkSpec(spec: RunSpec): void {
  const problem = (what: string) => new StoreError(`run spec: ${what}`);
  if (typeof spec.experiment !== 'string' || !spec.experiment.trim()) throw problem('experiment must be a non-empty string');
  if (spec.name !== undefined && (typeof spec.name !== 'string' || !spec.name.trim())) throw problem('name must be a non-empty string');
  if (typeof spec.graph !== 'string' && (typeof spec.graph !== 'object' || spec.graph === null)) throw problem('graph must be JSON text or an object');
  if (typeof spec.hyperParameters !== 'object' || spec.hyperParameters === null) throw problem('hyperParameters must be an object');
  if (!spec.dataset || typeof spec.dataset.name !== 'string' || typeof spec.dataset.fingerprint !== 'string')
    throw problem('dataset must be { name, fingerprint } strings');
  if (!Number.isSafeInteger(spec.seed)) throw problem(`seed must be an integer, got ${spec.seed}`);
  if (typeof spec.backend !== 'string' || !spec.backend) throw problem('backend must be a non-empty string');
}

/** Runs: their fixed description, their status, who writes them. */
export class Runs {
  private readonly experiments: Experiments;

  constructor(private readonly db: Database.Database) {
    this.experiments = new Experiments(db);
  }

  /** Inserts a run in status 'running', owned by this process. */
  create(spec: RunSpec, statsEvery: number): Run {
    checkSpec(spec);
    const graphJson = typeof spec.graph === 'string' ? spec.graph : JSON.stringify(spec.graph);
    try {
      JSON.parse(graphJson);
    } catch (e) {
      throw new StoreError(`run spec: graph is not JSON (${(e as Error).message})`);
    }
    const owner = currentOwner();
    const id = this.db.transaction(() => {
      const experiment = this.experiments.ensure(spec.experiment);
      let name = spec.name;
      if (name === undefined) {
        const { n } = this.db.prepare(`SELECT count(*) AS n FROM runs WHERE experiment_id = ?`).get(experiment.id) as { n: number };
        for (let k = n + 1; ; k++) {
          name = `run-${k}`;
          if (!this.db.prepare(`SELECT 1 FROM runs WHERE experiment_id = ? AND name = ?`).get(experiment.id, name)) break;
        }
      } else if (this.db.prepare(`SELECT 1 FROM runs WHERE experiment_id = ? AND name = ?`).get(experiment.id, name)) {
        throw new StoreError(`experiment "${spec.experiment}" already has a run named "${name}"`);
      }
      const now = Date.now();
      return this.db
        .prepare(
          `INSERT INTO runs (uid, experiment_id, name, graph_json, hyper_json, dataset_name, dataset_fingerprint, seed, backend,
                             status, started_at, stats_every, owner_host, owner_pid, owner_token, heartbeat_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          randomUUID(),
          experiment.id,
          name,
          graphJson,
          JSON.stringify(spec.hyperParameters),
          spec.dataset.name,
          spec.dataset.fingerprint,
          spec.seed,
          spec.backend,
          now,
          statsEvery,
          owner.host,
          owner.pid,
          owner.token,
          now,
        ).lastInsertRowid as number;
    }).immediate();
    return this.get(Number(id))!;
  }

  get(id: number): Run | null {
    const row = this.db.prepare(`${SELECT_RUNS} WHERE r.id = ?`).get(id) as RunRow | undefined;
    return row ? toRun(row) : null;
  }

  /** Runs, newest first; optionally of one experiment (by name). */
  list(filter: { experiment?: string; status?: RunStatus } = {}): Run[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.experiment !== undefined) {
      where.push('e.name = ?');
      args.push(filter.experiment);
    }
    if (filter.status !== undefined) {
      where.push('r.status = ?');
      args.push(filter.status);
    }
    const sql = `${SELECT_RUNS} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY r.started_at DESC, r.id DESC`;
    return (this.db.prepare(sql).all(...args) as RunRow[]).map(toRun);
  }

  /**
   * Finds a run from what a person types: its id ("12"), "experiment/name", a name unique in
   * the workspace, or a prefix (6+ characters) of its uid.
   */
  resolve(ref: string): Run {
    const all = () => this.list();
    if (/^\d+$/.test(ref)) {
      const run = this.get(Number(ref));
      if (run) return run;
    }
    const slash = ref.lastIndexOf('/');
    if (slash > 0) {
      const match = this.list({ experiment: ref.slice(0, slash) }).filter((r) => r.name === ref.slice(slash + 1));
      if (match.length === 1) return match[0];
    }
    const byName = all().filter((r) => r.name === ref);
    if (byName.length === 1) return byName[0];
    if (byName.length > 1)
      throw new StoreError(`"${ref}" names ${byName.length} runs (${byName.map((r) => `${r.experiment}/${r.name}`).join(', ')}); write experiment/name or the id`);
    if (ref.length >= 6) {
      const byUid = all().filter((r) => r.uid.startsWith(ref));
      if (byUid.length === 1) return byUid[0];
    }
    throw new StoreError(`no run "${ref}" in this workspace`);
  }

  /** Sets the status (and the detail, e.g. an error message); ends the run for final statuses. */
  setStatus(id: number, status: RunStatus, detail: string | null = null): void {
    if (!RUN_STATUSES.includes(status)) throw new StoreError(`unknown run status "${status}"`);
    const ends = status !== 'running' && status !== 'paused';
    const info = this.db
      .prepare(`UPDATE runs SET status = ?, status_detail = ?, ended_at = CASE WHEN ? THEN ? ELSE NULL END WHERE id = ?`)
      .run(status, detail, ends ? 1 : 0, Date.now(), id);
    if (info.changes === 0) throw new StoreError(`no run with id ${id}`);
  }

  /** Renames a run within its experiment; the name must be new there. */
  rename(id: number, name: string): Run {
    const run = this.get(id);
    if (!run) throw new StoreError(`no run with id ${id}`);
    const next = name.trim();
    if (!next) throw new StoreError(`run ${id}: a run name must not be empty`);
    if (next === run.name) return run;
    const taken = this.db.prepare(`SELECT 1 FROM runs WHERE experiment_id = ? AND name = ?`).get(run.experimentId, next);
    if (taken) throw new StoreError(`experiment "${run.experiment}" already has a run named "${next}"`);
    this.db.prepare(`UPDATE runs SET name = ? WHERE id = ?`).run(next, id);
    return this.get(id)!;
  }

  /** Deletes a run and everything it recorded. A run still being written is refused. */
  delete(id: number): void {
    const run = this.get(id);
    if (!run) throw new StoreError(`no run with id ${id}`);
    if (run.status === 'running' && this.isLive(id)) throw new StoreError(`run ${id} (${run.experiment}/${run.name}) is still running; stop it first`);
    this.db.prepare(`DELETE FROM runs WHERE id = ?`).run(id);
  }

  /** Whether a 'running' run's writer may still be alive (see owner.ts). */
  isLive(id: number): boolean {
    const row = this.db.prepare(`SELECT owner_host, owner_pid, owner_token, heartbeat_at, status FROM runs WHERE id = ?`).get(id) as
      | { owner_host: string | null; owner_pid: number | null; owner_token: string | null; heartbeat_at: number | null; status: RunStatus }
      | undefined;
    if (!row || row.status !== 'running') return false;
    return ownerMayBeAlive({ host: row.owner_host ?? undefined, pid: row.owner_pid ?? undefined, token: row.owner_token, heartbeatAt: row.heartbeat_at });
  }

  /**
   * Marks every 'running' run whose writer is gone as 'interrupted' (startup recovery).
   * Returns the ids it marked.
   */
  recoverInterrupted(): number[] {
    const deadRunning = () =>
      (this.db.prepare(`SELECT id FROM runs WHERE status = 'running'`).pluck().all() as number[]).filter((id) => !this.isLive(id));
    if (deadRunning().length === 0) return []; // the common case takes no write lock
    const mark = this.db.prepare(
      `UPDATE runs SET status = 'interrupted', status_detail = 'the training process ended without closing the run', ended_at = coalesce(heartbeat_at, ?)
       WHERE id = ? AND status = 'running'`,
    );
    return this.db.transaction(() => {
      const dead = deadRunning(); // again, under the write lock
      for (const id of dead) mark.run(Date.now(), id);
      return dead;
    }).immediate();
  }
}
