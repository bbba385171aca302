import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StoreError } from '../../core/store/errors';
import { computeTensorStats } from '../../core/store/tensorStats';
import { openWorkspace, type Workspace } from '../../core/store/workspace';
import { fakeBytes, GRAPH_3LAYER, sampleSpec, tempDir } from './helpers';

function fresh(): Workspace {
  return openWorkspace(join(tempDir(), 'w.db'));
}

const stepEvent = (step: number, epoch = 0) => ({ step, epoch, loss: 2 / step, lr: 0.01, stepMs: 3.5, imagesPerSec: 36000 });
const countSteps = (ws: Workspace, runId: number) => ws.db.prepare('SELECT count(*) FROM step_metrics WHERE run_id = ?').pluck().get(runId);

describe('RunRecorder', () => {
  it('creates the run with its fixed description', () => {
    const ws = fresh();
    const rec = ws.startRun(sampleSpec());
    const run = ws.runs.get(rec.runId)!;
    expect(run).toMatchObject({
      experiment: 'fashion',
      name: 'run-1',
      graphJson: GRAPH_3LAYER,
      hyperParameters: sampleSpec().hyperParameters,
      dataset: sampleSpec().dataset,
      seed: 42,
      backend: 'reference',
      status: 'running',
      endedAt: null,
      statsEvery: 10,
      lastStep: null,
    });
    expect(run.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(ws.startRun(sampleSpec()).runId).not.toBe(rec.runId);
    expect(ws.runs.list().map((r) => r.name).sort()).toEqual(['run-1', 'run-2']);
    expect(() => ws.startRun(sampleSpec({ name: 'run-1' }))).toThrow(/already has a run named "run-1"/);
    expect(() => ws.startRun(sampleSpec({ seed: 1.5 }))).toThrow(StoreError);
    expect(() => ws.startRun(sampleSpec({ graph: '{oops' }))).toThrow(/graph is not JSON/);
    ws.close();
  });

  it('buffers events and commits them in batches of flushEveryEvents', () => {
    const ws = fresh();
    const commits: number[] = [];
    const rec = ws.startRun(sampleSpec(), { flushEveryEvents: 10, flushIntervalMs: 60_000, onCommit: (c) => commits.push(c.events) });
    for (let s = 1; s <= 9; s++) rec.step(stepEvent(s));
    expect(countSteps(ws, rec.runId)).toBe(0);
    expect(rec.bufferedEvents).toBe(9);
    rec.step(stepEvent(10));
    expect(countSteps(ws, rec.runId)).toBe(10);
    for (let s = 11; s <= 13; s++) rec.step(stepEvent(s));
    rec.flush();
    expect(countSteps(ws, rec.runId)).toBe(13);
    expect(commits).toEqual([10, 3]);
    ws.close();
  });

  it('commits buffered events once the oldest is flushIntervalMs old', async () => {
    const ws = fresh();
    const rec = ws.startRun(sampleSpec(), { flushEveryEvents: 1000, flushIntervalMs: 20 });
    rec.step(stepEvent(1));
    expect(countSteps(ws, rec.runId)).toBe(0);
    await new Promise((r) => setTimeout(r, 120));
    expect(countSteps(ws, rec.runId)).toBe(1); // the timer flushed it
    ws.close();
  });

  it('records steps, epochs, layer statistics (every statsEvery steps), evaluations and the run summary', () => {
    const ws = fresh();
    const rec = ws.startRun(sampleSpec(), { statsEvery: 5, flushIntervalMs: 60_000 });
    const w = Float64Array.from({ length: 100 }, (_, i) => (i - 50) / 10);
    for (let s = 1; s <= 20; s++) {
      rec.step({ ...stepEvent(s, s <= 10 ? 0 : 1), loss: s === 20 ? NaN : 2 / s });
      expect(rec.wantsLayerStats(s)).toBe(s % 5 === 0 || s === 1);
      rec.layerStats({ step: s, layerId: 'conv1', tensor: 'dW', stats: computeTensorStats(w) }); // dropped unless wanted
      if (s === 10) rec.epoch({ epoch: 0, trainLoss: 0.5, trainAccuracy: 0.8, valLoss: 0.6, valAccuracy: 0.75 });
    }
    rec.epoch({ epoch: 1, trainLoss: 0.4, trainAccuracy: 0.85, valLoss: 0.7, valAccuracy: 0.7 });
    rec.evaluation({
      step: 20,
      split: 'test',
      accuracy: 0.5,
      perClassAccuracy: [1, 0],
      confusion: [
        [3, 0],
        [3, 0],
      ],
      misclassified: [
        { index: 7, predicted: 0, actual: 1 },
        { index: 70000, predicted: 0, actual: 1 },
      ],
    });
    expect(() => rec.evaluation({ step: 1, split: 'test', accuracy: 1, perClassAccuracy: [1], confusion: [[1, 0]], misclassified: [] })).toThrow(
      /confusion must be 1 x 1/,
    );
    rec.finish('completed');
    expect(() => rec.step(stepEvent(21))).toThrow(/recorder has finished/);

    const steps = ws.series.steps(rec.runId);
    expect(steps).toHaveLength(20);
    expect(steps[0]).toEqual({ step: 1, epoch: 0, loss: 2, lr: 0.01, stepMs: 3.5, imagesPerSec: 36000 });
    expect(steps[19].loss).toBeNaN();
    expect(ws.series.steps(rec.runId, { afterStep: 17 }).map((s) => s.step)).toEqual([18, 19, 20]);
    expect(ws.series.steps(rec.runId, { limit: 2 }).map((s) => s.step)).toEqual([19, 20]);
    expect(ws.series.epochs(rec.runId)).toEqual([
      { epoch: 0, step: 10, trainLoss: 0.5, trainAccuracy: 0.8, valLoss: 0.6, valAccuracy: 0.75 },
      { epoch: 1, step: 20, trainLoss: 0.4, trainAccuracy: 0.85, valLoss: 0.7, valAccuracy: 0.7 },
    ]);
    const stats = ws.series.layerStats(rec.runId);
    expect(stats.map((s) => s.step)).toEqual([1, 5, 10, 15, 20]);
    expect(stats[0].stats).toEqual(computeTensorStats(w));
    const [evaluation] = ws.evaluations.list(rec.runId);
    expect(evaluation.misclassified).toEqual([
      { index: 7, predicted: 0, actual: 1 },
      { index: 70000, predicted: 0, actual: 1 },
    ]);
    expect(evaluation.confusion).toEqual([
      [3, 0],
      [3, 0],
    ]);
    const run = ws.runs.get(rec.runId)!;
    expect(run.status).toBe('completed');
    expect(run.endedAt).not.toBeNull();
    expect(run.bestValAccuracy).toBe(0.75);
    expect(run.lastStep).toBe(20);
    expect(run.lastEpoch).toBe(1);
    expect(run.wallMs).toBeGreaterThan(0);
    ws.close();
  });

  it('writes checkpoints with everything buffered, returns the latest intact, and prunes to keepCheckpoints', () => {
    const ws = fresh();
    const rec = ws.startRun(sampleSpec(), { keepCheckpoints: 2, flushIntervalMs: 60_000 });
    for (let s = 1; s <= 30; s++) {
      rec.step(stepEvent(s));
      if (s % 10 === 0)
        rec.checkpoint({ step: s, epoch: 0, weights: fakeBytes(5000, s), optimizerState: s === 30 ? fakeBytes(700, 1) : null, trainerState: { rng: [s, 2, 3, 4], order: [3, 1, 2] } });
    }
    expect(countSteps(ws, rec.runId)).toBe(30); // the checkpoint committed the buffer
    expect(ws.checkpoints.list(rec.runId).map((c) => c.step)).toEqual([20, 30]);
    const latest = ws.latestCheckpoint(rec.runId)!;
    expect(latest.step).toBe(30);
    expect(Buffer.from(latest.weights).equals(Buffer.from(fakeBytes(5000, 30)))).toBe(true);
    expect(Buffer.from(latest.optimizerState!).equals(Buffer.from(fakeBytes(700, 1)))).toBe(true);
    expect(latest.trainerState).toEqual({ rng: [30, 2, 3, 4], order: [3, 1, 2] });
    expect(ws.checkpoints.get(ws.checkpoints.list(rec.runId)[0].id)!.optimizerState).toBeNull();
    expect(() => rec.checkpoint({ step: 31, epoch: 0, weights: [1, 2] as unknown as Uint8Array, optimizerState: null, trainerState: {} })).toThrow(
      /weights must be a Uint8Array/,
    );
    ws.close();
  });

  it('pauses (wall time stops) and ends in each final status', () => {
    const ws = fresh();
    const rec = ws.startRun(sampleSpec());
    rec.setPaused(true);
    expect(ws.runs.get(rec.runId)!.status).toBe('paused');
    rec.setPaused(false);
    expect(ws.runs.get(rec.runId)!.status).toBe('running');
    rec.finish('diverged', 'loss became NaN at step 1234');
    expect(ws.runs.get(rec.runId)).toMatchObject({ status: 'diverged', statusDetail: 'loss became NaN at step 1234' });
    ws.close();
  });
});

describe('Workspace.close with a run still recording', () => {
  it('writes the buffer and leaves the run interrupted, ready to resume', () => {
    const file = join(tempDir(), 'w.db');
    const ws = openWorkspace(file);
    const rec = ws.startRun(sampleSpec(), { flushIntervalMs: 60_000 });
    rec.step(stepEvent(1));
    rec.checkpoint({ step: 1, epoch: 0, weights: fakeBytes(16, 1), optimizerState: null, trainerState: null });
    rec.step(stepEvent(2));
    ws.close();
    expect(rec.isFinished).toBe(true);
    const again = openWorkspace(file);
    expect(again.runs.get(rec.runId)).toMatchObject({ status: 'interrupted', lastStep: 2 });
    expect(again.runs.get(rec.runId)!.statusDetail).toMatch(/workspace was closed/);
    expect(again.resumeRun(rec.runId).checkpoint.step).toBe(1);
    again.close();
  });
});

describe('resumeRun', () => {
  it('cuts the history after the latest checkpoint and continues it', () => {
    const ws = fresh();
    const rec = ws.startRun(sampleSpec(), { statsEvery: 1, flushIntervalMs: 60_000 });
    for (let s = 1; s <= 25; s++) {
      rec.step(stepEvent(s, Math.floor((s - 1) / 10)));
      rec.layerStats({ step: s, layerId: 'fc1', tensor: 'W', stats: computeTensorStats([s, -s]) });
      if (s % 10 === 0) {
        rec.epoch({ epoch: s / 10 - 1, trainLoss: 1, trainAccuracy: 0.5, valLoss: 1, valAccuracy: s / 100 });
        rec.checkpoint({ step: s, epoch: s / 10 - 1, weights: fakeBytes(64, s), optimizerState: null, trainerState: { position: s } });
      }
    }
    rec.flush();
    rec.finish('stopped');

    const { recorder, checkpoint } = ws.resumeRun(rec.runId);
    expect(checkpoint.step).toBe(20);
    expect(checkpoint.trainerState).toEqual({ position: 20 });
    expect(ws.series.steps(rec.runId).at(-1)!.step).toBe(20);
    expect(ws.series.layerStats(rec.runId).at(-1)!.step).toBe(20);
    expect(ws.series.epochs(rec.runId)).toHaveLength(2);
    expect(ws.runs.get(rec.runId)).toMatchObject({ status: 'running', endedAt: null, bestValAccuracy: 0.2 });
    expect(() => ws.resumeRun(rec.runId)).toThrow(/still being recorded by a live process/);
    for (let s = 21; s <= 30; s++) recorder.step(stepEvent(s, 2));
    recorder.finish('completed');
    expect(ws.series.steps(rec.runId).map((s) => s.step)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(() => ws.resumeRun(rec.runId)).toThrow(/is completed; only paused, stopped, interrupted, failed runs can be resumed/);
    ws.close();
  });

  it('refuses a run without a checkpoint', () => {
    const ws = fresh();
    const rec = ws.startRun(sampleSpec());
    rec.finish('stopped');
    expect(() => ws.resumeRun(rec.runId)).toThrow(/has no checkpoint to resume from/);
    ws.close();
  });
});

describe('schema migration', () => {
  it('upgrades a version-1 workspace (drafts only) keeping its drafts', async () => {
    const { MIGRATIONS } = await import('../../core/store/schema');
    const file = join(tempDir(), 'v1.db');
    const db = new Database(file);
    MIGRATIONS[0](db);
    db.pragma('user_version = 1');
    db.prepare(`INSERT INTO drafts VALUES ('old', '{"kept":true}', 1)`).run();
    db.close();
    const ws = openWorkspace(file);
    expect(ws.drafts.load('old')).toBe('{"kept":true}');
    expect(ws.startRun(sampleSpec()).runId).toBeGreaterThan(0);
    ws.close();
  });
});
