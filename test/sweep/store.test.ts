/** The sweep tables: added by migration 3 to an existing workspace, and a sweep's ownership while it runs. */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION } from '../../core/store/schema';
import { openWorkspace } from '../../core/store/workspace';
import { sampleSpec, tempDir } from '../store/helpers';

describe('sweeps in the workspace', () => {
  it('migration 3 adds the sweep tables to a version-2 workspace and keeps its runs', () => {
    const file = join(tempDir(), 'v2.db');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    MIGRATIONS[0](db);
    MIGRATIONS[1](db);
    db.pragma('user_version = 2');
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.prepare(`INSERT INTO experiments (id, name, created_at) VALUES (1, 'e', 0)`).run();
    db.prepare(
      `INSERT INTO runs (uid, experiment_id, name, graph_json, hyper_json, dataset_name, dataset_fingerprint, seed, backend, status, started_at, stats_every)
       VALUES ('u-old', 1, 'old', '{}', '{}', 'sample', 'sha256:0', 1, 'js', 'completed', 0, 0)`,
    ).run();
    db.close();
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(3);
    const ws = openWorkspace(file);
    expect(ws.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(ws.runs.list().map((r) => r.name)).toEqual(['old']);
    const sweep = ws.sweeps.create({ experiment: 'sweep-{id}', spec: { any: 'json' }, specDigest: 'sha256:x', trials: [{ lr: 0.1 }, { lr: 0.2 }] });
    expect(sweep).toMatchObject({ experiment: `sweep-${sweep.id}`, status: 'running', live: true });
    expect(ws.sweeps.trials(sweep.id).map((t) => [t.index, t.values, t.state])).toEqual([[0, { lr: 0.1 }, 'pending'], [1, { lr: 0.2 }, 'pending']]);
    // deleting a trial's run leaves the trial, without its run
    const run = ws.startRun(sampleSpec({ name: 'trial' }));
    run.finish('completed');
    ws.sweeps.updateTrial(sweep.id, 0, { state: 'finished', runId: run.runId });
    expect(ws.sweeps.runIndex().get(run.runId)).toEqual({ sweepId: sweep.id, index: 0 });
    ws.runs.delete(run.runId);
    expect(ws.sweeps.trials(sweep.id)[0].runId).toBeNull();
    ws.close();
  });

  it('a sweep whose process is gone reads as not live and can be claimed; an unfinished one is found by its digest', () => {
    const ws = openWorkspace(join(tempDir(), 'w.db'));
    const sweep = ws.sweeps.create({ experiment: 'e', spec: {}, specDigest: 'sha256:a', trials: [{}] });
    expect(ws.sweeps.unfinishedWithDigest('sha256:a')).toBeNull(); // live in this process
    ws.db.prepare(`UPDATE sweeps SET owner_pid = 2147483646, owner_token = NULL WHERE id = ?`).run(sweep.id); // a pid that is not running
    expect(ws.sweeps.get(sweep.id)!.live).toBe(false);
    expect(ws.sweeps.unfinishedWithDigest('sha256:a')?.id).toBe(sweep.id);
    expect(ws.sweeps.unfinishedWithDigest('sha256:b')).toBeNull();
    expect(ws.sweeps.claim(sweep.id).live).toBe(true);
    ws.sweeps.setStatus(sweep.id, 'completed');
    expect(ws.sweeps.unfinishedWithDigest('sha256:a')).toBeNull();
    ws.close();
  });
});
