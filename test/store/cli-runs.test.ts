import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openWorkspace } from '../../core/store/workspace';
import { cnnwbRuns, fakeBytes, sampleSpec, tempDir } from './helpers';

function seedWorkspace(file: string) {
  const ws = openWorkspace(file);
  for (const [name, seed, lr] of [['adam-a', 1, 0.001], ['sgd-b', 2, 0.1]] as const) {
    const rec = ws.startRun(sampleSpec({ name, seed, hyperParameters: { optimizer: name.split('-')[0], lr } }), { flushIntervalMs: 60_000 });
    for (let s = 1; s <= 20; s++) rec.step({ step: s, epoch: s > 10 ? 1 : 0, loss: 1 / s, lr, stepMs: 2, imagesPerSec: 1000 });
    rec.epoch({ epoch: 0, step: 10, trainLoss: 0.5, trainAccuracy: 0.8, valLoss: 0.6, valAccuracy: seed === 1 ? 0.81 : 0.79 });
    rec.epoch({ epoch: 1, trainLoss: 0.4, trainAccuracy: 0.85, valLoss: 0.5, valAccuracy: seed === 1 ? 0.86 : 0.83 });
    rec.checkpoint({ step: 20, epoch: 1, weights: fakeBytes(2048, seed), optimizerState: null, trainerState: {} });
    rec.finish('completed');
  }
  ws.close();
}

describe('cnnwb runs', () => {
  it('lists, shows and compares runs as tables and as JSON', async () => {
    const db = join(tempDir(), 'w.db');
    seedWorkspace(db);
    const list = await cnnwbRuns('list', '--db', db);
    expect(list.code).toBe(0);
    const lines = list.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+EXPERIMENT\s+NAME\s+STATUS\s+STEP/);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/fashion\s+sgd-b\s+completed\s+20\s+1\s+83\.00%/);

    const json = JSON.parse((await cnnwbRuns('list', '--db', db, '--json')).stdout);
    expect(json.map((r: { name: string }) => r.name)).toEqual(['sgd-b', 'adam-a']);

    const show = await cnnwbRuns('show', 'fashion/adam-a', '--db', db);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/best val accuracy\s+86\.00%/);
    expect(show.stdout).toMatch(/EPOCH\s+STEP\s+TRAIN LOSS/);
    expect(show.stdout).toMatch(/CHECKPOINT\s+STEP\s+EPOCH\s+WEIGHTS/);
    expect(show.stdout).toContain('2.0 KiB');
    const shown = JSON.parse((await cnnwbRuns('show', 'adam-a', '--db', db, '--json')).stdout);
    expect(shown).toMatchObject({ name: 'adam-a', seed: 1, counts: { steps: 20, epochs: 2, checkpoints: 1 } });
    expect(shown.graph.format).toBe('cnnwb-graph');

    const compare = await cnnwbRuns('compare', 'adam-a', 'sgd-b', '--db', db);
    expect(compare.code).toBe(0);
    expect(compare.stdout).toMatch(/seed\s+1\s+2\s+\*/);
    expect(compare.stdout).toMatch(/graph\s+same\s+same\s*\n/);
    expect(compare.stdout).toMatch(/best val acc\s+86\.00%\s+83\.00%\s+\*/);
    const cj = JSON.parse((await cnnwbRuns('compare', 'adam-a', 'sgd-b', '--db', db, '--json')).stdout);
    expect(cj.fields.find((f: { field: string }) => f.field === 'lr')).toEqual({ field: 'lr', a: 0.001, b: 0.1, differs: true });
    expect(cj.fields.find((f: { field: string }) => f.field === 'backend').differs).toBe(false);
  });

  it('exports, imports and deletes', async () => {
    const dir = tempDir();
    const db = join(dir, 'w.db');
    seedWorkspace(db);
    const file = join(dir, 'fashion.export');
    const exported = await cnnwbRuns('export', 'fashion', file, '--db', db);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(/exported 2 run\(s\) of experiment "fashion"/);
    const other = join(dir, 'other.db');
    const imported = await cnnwbRuns('import', file, '--db', other, '--json');
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout).runs).toHaveLength(2);
    const again = await cnnwbRuns('import', file, '--db', other);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already in this workspace/);

    const del = await cnnwbRuns('delete', 'sgd-b', '--db', other);
    expect(del.stdout).toMatch(/deleted run \d+ \(fashion\/sgd-b\)/);
    expect(JSON.parse((await cnnwbRuns('list', '--db', other, '--json')).stdout)).toHaveLength(1);
  });

  it('reports bad usage and store refusals (exit 2) in one line naming the problem', async () => {
    const dir = tempDir();
    const db = join(dir, 'w.db');
    seedWorkspace(db);
    expect((await cnnwbRuns('frobnicate', '--db', db)).code).toBe(2);
    expect((await cnnwbRuns('show', '--db', db)).stderr).toMatch(/runs: show: expected 1 argument/);
    expect((await cnnwbRuns('list', '--bogus')).code).toBe(2);
    const missing = await cnnwbRuns('show', 'nope', '--db', db);
    expect(missing).toMatchObject({ code: 2, stderr: 'cnnwb runs: no run "nope" in this workspace\n' });
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'just text, and more text to pass one hundred bytes of header. '.repeat(3));
    const bad = await cnnwbRuns('list', '--db', notes);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${notes}: is not a CNN Workbench workspace`);
  });
});
