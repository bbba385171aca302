import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { currentOwner, REMOTE_STALE_AFTER_MS } from '../../core/store/owner';
import { openWorkspace } from '../../core/store/workspace';
import { sampleSpec, tempDir } from './helpers';

const stepEvent = (step: number) => ({ step, epoch: 0, loss: 1, lr: 0.1, stepMs: 1, imagesPerSec: 1 });

describe('reader beside a writer', () => {
  it('reads committed data during an open write transaction without waiting for it', () => {
    const file = join(tempDir(), 'w.db');
    const trainer = openWorkspace(file);
    const rec = trainer.startRun(sampleSpec(), { flushIntervalMs: 60_000 });
    for (let s = 1; s <= 5; s++) rec.step(stepEvent(s));
    rec.flush();

    const ui = openWorkspace(file);
    ui.db.pragma('busy_timeout = 0'); // any wait on a lock would throw SQLITE_BUSY at once
    trainer.db.exec('BEGIN IMMEDIATE');
    trainer.db.prepare(`INSERT INTO step_metrics (run_id, step, epoch, loss, lr, step_ms, images_per_sec) VALUES (?, 6, 0, 1, 0.1, 1, 1)`).run(rec.runId);
    expect(trainer.db.inTransaction).toBe(true);
    expect(ui.series.steps(rec.runId).map((s) => s.step)).toEqual([1, 2, 3, 4, 5]);
    expect(ui.runs.list()[0].status).toBe('running');
    trainer.db.exec('COMMIT');
    expect(ui.series.steps(rec.runId, { afterStep: 5 }).map((s) => s.step)).toEqual([6]);

    // and the writer is not blocked by a reader in the middle of a long read
    const iterator = ui.db.prepare('SELECT step FROM step_metrics').iterate();
    iterator.next();
    trainer.db.pragma('busy_timeout = 0');
    for (let s = 7; s <= 9; s++) rec.step(stepEvent(s));
    rec.flush();
    iterator.return?.();
    expect(ui.series.steps(rec.runId).length).toBe(9);
    // a second open of the same workspace while the run is live does not mark it interrupted
    expect(ui.recoveredRunIds).toEqual([]);
    rec.finish('completed');
    ui.close();
    trainer.close();
  });
});

describe('startup recovery', () => {
  function setOwner(file: string, runId: number, host: string, pid: number, token: string | null, heartbeatAt: number) {
    const db = new Database(file); // not openWorkspace: that would already recover
    db.prepare(`UPDATE runs SET status = 'running', owner_host = ?, owner_pid = ?, owner_token = ?, heartbeat_at = ? WHERE id = ?`).run(host, pid, token, heartbeatAt, runId);
    db.close();
  }

  async function deadPid(): Promise<number> {
    const child = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => child.on('exit', r));
    return child.pid!;
  }

  it('marks runs of dead or reused pids and stale remote writers interrupted, and leaves live writers alone', async () => {
    const file = join(tempDir(), 'w.db');
    const ws = openWorkspace(file);
    const ids = Array.from({ length: 6 }, (_, i) => ws.startRun(sampleSpec({ name: `r${i}` })).runId);
    const done = ws.startRun(sampleSpec({ name: 'done' }));
    done.finish('completed');
    ws.close();

    const me = currentOwner();
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    const now = Date.now();
    setOwner(file, ids[0], hostname(), await deadPid(), null, now); // dead process
    setOwner(file, ids[1], hostname(), sleeper.pid!, null, now - 3_600_000); // live process, old heartbeat: still live
    setOwner(file, ids[2], hostname(), me.pid, me.token, now); // this process
    setOwner(file, ids[3], hostname(), me.pid, me.token === null ? null : 'another-boot:1', now); // pid reused after reboot
    setOwner(file, ids[4], 'some-other-host', 1, null, now - REMOTE_STALE_AFTER_MS - 1000); // remote, silent too long
    setOwner(file, ids[5], 'some-other-host', 1, null, now - 1000); // remote, recent heartbeat

    const reopened = openWorkspace(file);
    const expected = me.token === null ? [ids[0], ids[4]] : [ids[0], ids[3], ids[4]];
    expect(reopened.recoveredRunIds.sort()).toEqual(expected.sort());
    const status = (id: number) => reopened.runs.get(id)!.status;
    for (const id of expected) expect(status(id)).toBe('interrupted');
    expect(status(ids[1])).toBe('running');
    expect(status(ids[2])).toBe('running');
    expect(status(ids[5])).toBe('running');
    expect(reopened.runs.get(done.runId)!.status).toBe('completed');
    expect(reopened.runs.get(ids[0])!.statusDetail).toMatch(/ended without closing the run/);
    reopened.close();
    sleeper.kill('SIGKILL');
  });
});
