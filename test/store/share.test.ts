import Database from 'better-sqlite3';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportToFile, importFromFile, readExportManifest } from '../../core/store/share';
import { computeTensorStats } from '../../core/store/tensorStats';
import { openWorkspace, type Workspace } from '../../core/store/workspace';
import { fakeBytes, sampleSpec, tempDir } from './helpers';

function recordRun(ws: Workspace, name: string, experiment = 'fashion', steps = 30): number {
  const rec = ws.startRun(sampleSpec({ name, experiment }), { statsEvery: 5, flushIntervalMs: 60_000 });
  for (let s = 1; s <= steps; s++) {
    rec.step({ step: s, epoch: 0, loss: s === 7 ? NaN : 1 / s, lr: 0.01, stepMs: 2, imagesPerSec: 64000 });
    rec.layerStats({ step: s, layerId: 'conv1', tensor: 'dW', stats: computeTensorStats([s, -1, 0.5]) });
    if (s % 10 === 0) rec.checkpoint({ step: s, epoch: 0, weights: fakeBytes(3000, s), optimizerState: fakeBytes(100, s + 1), trainerState: { s } });
  }
  rec.epoch({ epoch: 0, trainLoss: 0.3, trainAccuracy: 0.9, valLoss: 0.35, valAccuracy: 0.88 });
  rec.evaluation({ step: steps, split: 'test', accuracy: 0.5, perClassAccuracy: [0.5, 0.5], confusion: [[1, 1], [1, 1]], misclassified: [{ index: 3, predicted: 1, actual: 0 }] });
  rec.finish('completed');
  return rec.runId;
}

function snapshot(ws: Workspace, runId: number) {
  const { id: _id, experimentId: _e, name: _n, ...run } = ws.runs.get(runId)!;
  const checkpoints = ws.checkpoints.list(runId).map((c) => {
    const full = ws.checkpoints.get(c.id)!;
    return { step: c.step, weights: Buffer.from(full.weights).toString('hex'), optimizer: Buffer.from(full.optimizerState!).toString('hex'), state: full.trainerState };
  });
  const evaluations = ws.evaluations.list(runId).map(({ id: _i, ...e }) => e);
  return { run, steps: ws.series.steps(runId), epochs: ws.series.epochs(runId), stats: ws.series.layerStats(runId), checkpoints, evaluations };
}

describe('export and import', () => {
  it('moves a run, weights included, into another workspace intact', () => {
    const dir = tempDir();
    const a = openWorkspace(join(dir, 'a.db'));
    const runId = recordRun(a, 'baseline');
    const file = join(dir, 'baseline.cnnwb-run');
    const manifest = exportToFile(a, { runId }, file);
    expect(manifest.kind).toBe('run');
    expect(manifest.runs[0].counts).toEqual({ steps: 30, epochs: 1, layerStats: 7, checkpoints: 3, evaluations: 1 });
    expect(readdirSync(dir).sort()).toEqual(['a.db', 'a.db-shm', 'a.db-wal', 'baseline.cnnwb-run']); // one file, no partial left
    expect(() => exportToFile(a, { runId }, file)).toThrow(/already exists/);

    const b = openWorkspace(join(dir, 'b.db'));
    const result = importFromFile(b, file);
    expect(result.runs).toHaveLength(1);
    expect(snapshot(b, result.runs[0].id)).toEqual(snapshot(a, runId));
    expect(b.runs.get(result.runs[0].id)!.name).toBe('baseline');
    expect(() => importFromFile(b, file)).toThrow(/already in this workspace/);
    a.close();
    b.close();
  });

  it('moves a whole experiment and renames runs whose names are taken', () => {
    const dir = tempDir();
    const a = openWorkspace(join(dir, 'a.db'));
    const ids = [recordRun(a, 'r1', 'lenet'), recordRun(a, 'r2', 'lenet')];
    recordRun(a, 'elsewhere', 'other');
    a.experiments.setNotes(a.experiments.byName('lenet')!.id, 'tanh vs relu');
    const file = join(dir, 'lenet.cnnwb-exp');
    exportToFile(a, { experimentId: a.experiments.byName('lenet')!.id }, file);
    expect(readExportManifest(file).runs.map((r) => r.name)).toEqual(expect.arrayContaining(['r1', 'r2']));

    const b = openWorkspace(join(dir, 'b.db'));
    recordRun(b, 'r1', 'lenet', 3);
    const result = importFromFile(b, file);
    expect(result.runs.map((r) => r.name).sort()).toEqual(['r1 (imported)', 'r2']);
    expect(b.runs.list({ experiment: 'lenet' })).toHaveLength(3);
    expect(b.runs.list({ experiment: 'other' })).toHaveLength(0);
    for (const r of result.runs) expect(snapshot(b, r.id)).toEqual(snapshot(a, ids[r.originalName === 'r1' ? 0 : 1]));
    a.close();
    b.close();
  });

  it('leaves nothing behind when the file is altered, truncated in content, or not an export', () => {
    const dir = tempDir();
    const a = openWorkspace(join(dir, 'a.db'));
    recordRun(a, 'r1', 'exp');
    recordRun(a, 'r2', 'exp');
    const file = join(dir, 'exp.export');
    exportToFile(a, { experimentId: a.experiments.byName('exp')!.id }, file);
    a.close();

    const altered = join(dir, 'altered.export');
    const db = new Database(file, { readonly: true });
    db.prepare(`VACUUM INTO ?`).run(altered);
    db.close();
    const edit = new Database(altered);
    edit.prepare(`DELETE FROM layer_stats WHERE step = (SELECT max(step) FROM layer_stats)`).run();
    edit.close();

    const b = openWorkspace(join(dir, 'b.db'));
    expect(() => importFromFile(b, altered)).toThrow(/run r\d is incomplete or altered/);
    expect(() => importFromFile(b, join(dir, 'a.db'))).toThrow(/not an export file/);
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'not a database '.repeat(20));
    expect(() => importFromFile(b, text)).toThrow(/cannot import .*not a CNN Workbench workspace/);
    expect(b.runs.list()).toEqual([]);
    expect(b.experiments.list()).toEqual([]);
    b.close();
  });

  it('rolls back runs and the experiment already copied when a later check fails', () => {
    const dir = tempDir();
    const a = openWorkspace(join(dir, 'a.db'));
    recordRun(a, 'r1', 'exp');
    recordRun(a, 'r2', 'exp');
    const file = join(dir, 'exp.export');
    exportToFile(a, { experimentId: a.experiments.byName('exp')!.id }, file);
    const names = readExportManifest(file).runs.map((r) => r.name);
    a.close();

    const c = openWorkspace(join(dir, 'c.db'));
    // damage only the second run on its way in, as a failing disk or a bug would
    c.db.exec(`CREATE TRIGGER damage AFTER INSERT ON evaluations WHEN (SELECT name FROM runs WHERE id = NEW.run_id) = '${names[1]}'
               BEGIN UPDATE evaluations SET accuracy = 0.25 WHERE id = NEW.id; END`);
    expect(() => importFromFile(c, file)).toThrow(new RegExp(`copy of run ${names[1]} does not match the manifest; nothing was imported`));
    expect(c.runs.list()).toEqual([]);
    expect(c.experiments.list()).toEqual([]);
    expect(c.db.prepare('SELECT count(*) FROM step_metrics').pluck().get()).toBe(0);
    c.db.exec('DROP TRIGGER damage');
    expect(importFromFile(c, file).runs).toHaveLength(2);
    expect(existsSync(file)).toBe(true);
    c.close();
  });
});
