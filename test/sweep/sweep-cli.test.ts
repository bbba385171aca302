/**
 * `cnnwb sweep` end to end on the shipped sample: a 4-run grid records 4 runs under one sweep;
 * SIGKILLed during its second trial, the same command continues it without repeating the finished
 * trial and continues the killed trial's run from its checkpoint; early stops and budgets are
 * recorded; bad sweeps are refused before any run starts (one line, exit 2).
 */
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { openWorkspace } from '../../core/store/workspace';
import { tempDir } from '../store/helpers';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const TINY = join(repoRoot, 'test', 'store', 'fixtures', 'tiny-graph.json');
const BASE = ['--data', 'sample', '--backend', 'js', '--epochs', '2', '--batch', '64', '--stats-every', '0'];

async function cnnwb(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { code, stdout, stderr };
}

/** Runs the sweep in a child process and SIGKILLs it once the second trial's run has a checkpoint (the end of its first epoch). */
function sweepInChildAndKill(argv: string[], db: string): Promise<string> {
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'cnnwb.js'), ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let poll: NodeJS.Timeout | undefined;
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    const runId = /trial 2\/4 \(.*\): run (\d+)/.exec(stderr)?.[1];
    if (runId === undefined || poll) return;
    poll = setInterval(() => {
      const reader = new Database(db, { readonly: true });
      try {
        if (reader.prepare('SELECT count(*) FROM checkpoints WHERE run_id = ?').pluck().get(Number(runId))) child.kill('SIGKILL');
      } finally {
        reader.close();
      }
    }, 20);
  });
  return new Promise((resolvePromise, reject) => {
    child.on('exit', (_code, signal) => {
      clearInterval(poll);
      if (signal === 'SIGKILL') resolvePromise(stderr);
      else reject(new Error(`the sweep ended on its own before the kill: ${stderr}`));
    });
  });
}

describe('cnnwb sweep', () => {
  it('runs a 4-run grid, survives a SIGKILL in its second run and continues without repeating finished runs', async () => {
    const db = join(tempDir('cnnwb-sweep-'), 'w.db');
    const command = ['sweep', TINY, ...BASE, '--grid', 'lr=0.05,0.02', '--grid', 'conv1.filters=4,6', '--early-stopping', 'none', '--db', db];
    const killedLog = await sweepInChildAndKill(command, db);
    expect(killedLog).toMatch(/^sweep 1: 4 trial\(s\)/);

    let ws = openWorkspace(db);
    const [sweep] = ws.sweeps.list();
    expect(sweep.live).toBe(false); // its process is gone: interrupted
    expect(sweep.status).toBe('running');
    const before = ws.sweeps.trials(sweep.id);
    expect(before.map((t) => t.state)).toEqual(['finished', 'running', 'pending', 'pending']);
    const firstRun = ws.runs.get(before[0].runId!)!;
    const killedRun = ws.runs.get(before[1].runId!)!;
    expect(killedRun.status).toBe('interrupted');
    const checkpointStep = ws.latestCheckpoint(killedRun.id)!.step;
    expect(checkpointStep).toBeGreaterThan(0);
    ws.close();

    const again = await cnnwb([...command, '--json']);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/continuing sweep 1 \(1 of 4 trials done/);
    expect(again.stderr).not.toMatch(/trial 1\/4/); // the finished trial is not run again
    expect(again.stderr).toMatch(new RegExp(`trial 2/4 \\(lr=0\\.05, conv1\\.filters=6\\): continuing ${killedRun.id}`));
    expect(again.stderr).toMatch(new RegExp(`resuming at step ${checkpointStep + 1}`));
    const out = JSON.parse(again.stdout);
    expect(out.sweep).toMatchObject({ id: 1, status: 'completed' });
    expect(out.runs).toHaveLength(4);
    expect(out.runs.map((r: { values: unknown }) => r.values)).toEqual([
      { lr: 0.05, 'conv1.filters': 4 },
      { lr: 0.05, 'conv1.filters': 6 },
      { lr: 0.02, 'conv1.filters': 4 },
      { lr: 0.02, 'conv1.filters': 6 },
    ]);
    for (const r of out.runs) {
      expect(r).toMatchObject({ state: 'finished', runStatus: 'completed', epochs: 2 });
      expect(r.valAccuracy).toBeGreaterThan(0.3);
      expect(r.testAccuracy).toBeGreaterThan(0.3);
    }
    expect(out.runs[0].runId).toBe(firstRun.id);
    expect(out.runs[1].runId).toBe(killedRun.id);

    ws = openWorkspace(db);
    expect(ws.runs.list()).toHaveLength(4); // no run was repeated or added
    const first = ws.runs.get(firstRun.id)!;
    expect([first.endedAt, first.wallMs, first.lastStep]).toEqual([firstRun.endedAt, firstRun.wallMs, firstRun.lastStep]);
    const continued = ws.series.steps(killedRun.id);
    expect(continued.map((s) => s.step)).toEqual(Array.from({ length: continued.length }, (_, i) => i + 1)); // one history, no gap, no repeat
    expect(ws.runs.list().every((r) => r.experiment === 'sweep-1')).toBe(true);
    ws.close();

    const list = await cnnwb(['runs', 'list', '--db', db, '--sweep', '1']);
    expect(list.stdout.trim().split('\n')).toHaveLength(5);
    expect(list.stdout).toMatch(/SWEEP/);
    expect(list.stdout).toMatch(/1 \(trial 2\)/);
    const listJson = JSON.parse((await cnnwb(['runs', 'list', '--db', db, '--json'])).stdout);
    expect(listJson.map((r: { trial: number }) => r.trial).sort()).toEqual([1, 2, 3, 4]);

    // a third time: the sweep is complete, so the same command starts a new one only with --new; --resume just reports it
    const resumed = await cnnwb(['sweep', '--resume', '1', '--db', db]);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/sweep 1 \(sweep-1\): completed/);
    expect(resumed.stdout).toMatch(/TRIAL\s+lr\s+conv1\.filters\s+STATE/);
  });

  it('stops a poor trial by the median rule and records the decision', async () => {
    const db = join(tempDir('cnnwb-sweep-'), 'w.db');
    // the fourth trial's learning rate is far too small: after epoch 1 it is below the median of the three before it
    const r = await cnnwb(['sweep', TINY, ...BASE, '--grid', 'lr=0.05,0.04,0.03,0.00001', '--early-stopping', 'median:1:3', '--db', db, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.runs.map((x: { state: string }) => x.state)).toEqual(['finished', 'finished', 'finished', 'pruned']);
    const pruned = out.runs[3];
    expect(pruned).toMatchObject({ runStatus: 'stopped', testAccuracy: null, decision: { rule: 'median', epoch: 1, peers: 3 } });
    expect(pruned.decision.best).toBeLessThan(pruned.decision.median);
    const ws = openWorkspace(db);
    expect((ws.sweeps.get(1)!.spec as { earlyStopping: unknown }).earlyStopping).toEqual({ rule: 'median', graceEpochs: 1, minPeers: 3 });
    ws.close();
  });

  it('keeps to a budget of runs and skips the rest', async () => {
    const db = join(tempDir('cnnwb-sweep-'), 'w.db');
    const r = await cnnwb(['sweep', TINY, ...BASE, '--epochs', '1', '--grid', 'conv1.filters=2,3,4', '--random', '3', '--seed', '5', '--budget-runs', '2', '--db', db, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.runs.map((x: { state: string }) => x.state)).toEqual(['finished', 'finished', 'skipped']);
    expect(out.runs[2]).toMatchObject({ runId: null, decision: { budget: '2 runs started' } });
    expect(out.sweep.statusDetail).toMatch(/budget reached: 1 trial/);
  });

  it('keeps to a budget of minutes: the trial running when it runs out is stopped, no trial starts after it', async () => {
    const db = join(tempDir('cnnwb-sweep-'), 'w.db');
    // 0.01 minutes = 600 ms of recorded training: less than the first trial's 6 epochs take
    const r = await cnnwb(['sweep', TINY, ...BASE, '--epochs', '6', '--grid', 'lr=0.05,0.04,0.03', '--budget-minutes', '0.01', '--early-stopping', 'none', '--db', db, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.runs[0]).toMatchObject({ state: 'skipped', runStatus: 'stopped', decision: { budget: expect.stringMatching(/^0\.01 minutes used; stopped at step \d+$/) } });
    expect(out.runs[0].epochs).toBeLessThan(6);
    expect(out.runs.at(-1).state).toBe('skipped');
    expect(out.sweep).toMatchObject({ status: 'completed', statusDetail: expect.stringMatching(/^budget reached/) });
  });

  it('refuses bad sweeps before any run starts: one line naming the dimension and value, exit 2', async () => {
    const db = join(tempDir('cnnwb-sweep-'), 'w.db');
    const cases: [string[], RegExp][] = [
      [['--grid', 'lr=0.1,-2'], /^cnnwb sweep: --grid lr=-2: sgd\.lr: expected a number in \(0, Infinity\], got -2\n$/],
      [['--grid', 'speed=1'], /^cnnwb sweep: --grid speed: not a training setting/],
      [['--grid', 'conv9.filters=4'], /^cnnwb sweep: --grid conv9\.filters: the graph has no node "conv9"/],
      [['--grid', 'conv1.size=3,40'], /^cnnwb sweep: --grid conv1\.size=40: the graph breaks: convolution node "conv1"/],
      [['--grid', 'optimizer=sgd,lbfgs'], /^cnnwb sweep: --grid optimizer=lbfgs: expected one of sgd, adam, newton/],
      [['--grid', 'lr'], /^cnnwb sweep: --grid lr: expected name=v1,v2/],
      [['--grid', 'lr=0.1', '--budget-runs', '0'], /^cnnwb sweep: --budget-runs: expected a whole number >= 1, got 0/],
      [['--grid', 'lr=0.1', '--seed', '3'], /^cnnwb sweep: --seed: seeds a random search/],
      [['--grid', 'lr=0.1', '--lr', '-1'], /^cnnwb sweep: --lr: expected a number in/],
    ];
    for (const [args, message] of cases) {
      const r = await cnnwb(['sweep', TINY, ...BASE, ...args, '--db', db]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
    const ws = openWorkspace(db);
    expect(ws.sweeps.list()).toEqual([]);
    expect(ws.runs.list()).toEqual([]);
    ws.close();
  });
});
