import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { GraphFile, RunDetail, UiTrainingEvent } from '../../core/api/contract';
import { edgeNorm, normColor } from '../../renderer/src/inspect/gradient-colors';
import { diffObjects, flatten, graphRows } from '../../renderer/src/runs/run-diff';

const frames: (() => void)[] = [];
beforeAll(() => {
  (globalThis as unknown as { requestAnimationFrame: (cb: () => void) => number }).requestAnimationFrame = (cb) => frames.push(cb);
});
const nextFrame = () => frames.splice(0).forEach((f) => f());

describe('training dashboard store', () => {
  afterEach(() => frames.splice(0));

  it('applies a burst of events once per frame, keeps the followed run only, and replays early events', async () => {
    const { trainingStore, followRun, receiveTrainingEvent } = await import('../../renderer/src/training/training-store');
    const step = (n: number): UiTrainingEvent => ({ type: 'step', step: n, epoch: 1, loss: 1 / n, f: 1, accuracy: 0.1, lr: 0.001, stepMs: 10, imagesPerSec: 3200 });
    // Events of run 7 arrive before startTraining answers: kept, then replayed when it is followed.
    receiveTrainingEvent({ runId: 7, event: { type: 'started', backend: 'js', backendDescription: 'plain JS', parameterCount: 1, trainCount: 100, validationCount: 0, stepsPerEpoch: 10, totalSteps: 30, firstStep: 1 } });
    receiveTrainingEvent({ runId: 7, event: step(1) });
    followRun(7, null);
    let updates = 0;
    const off = trainingStore.subscribe(() => updates++);
    for (let n = 2; n <= 20; n++) receiveTrainingEvent({ runId: 7, event: step(n) });
    receiveTrainingEvent({ runId: 8, event: step(99) });
    expect(trainingStore.getState().step).toBe(0);
    nextFrame();
    off();
    expect(updates).toBe(1);
    const s = trainingStore.getState();
    expect(s.totalSteps).toBe(30);
    expect(s.step).toBe(20);
    expect(s.series.step).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(s.series.loss[3]).toBeCloseTo(1 / 4);
    expect(s.backendUsed).toBe('js (plain JS)');
  });

  it('backfills the curves of a run followed again after a reload, ignoring replayed older steps', async () => {
    const { trainingStore, followRunFromStore, receiveTrainingEvent } = await import('../../renderer/src/training/training-store');
    const detail = {
      summary: { id: 3, backend: 'wasm-simd', status: 'running' },
      steps: [1, 2, 3].map((n) => ({ step: n, epoch: 1, loss: n, lr: 0.1, stepMs: 5, imagesPerSec: 100 })),
      epochs: [{ epoch: 1, step: 3, trainLoss: 2, trainAccuracy: 0.5, valLoss: 2.5, valAccuracy: 0.4 }],
    } as unknown as RunDetail;
    followRunFromStore(detail);
    receiveTrainingEvent({ runId: 3, event: { type: 'step', step: 2, epoch: 1, loss: 9, f: 9, accuracy: 0, lr: 0.1, stepMs: 5, imagesPerSec: 100 } });
    receiveTrainingEvent({ runId: 3, event: { type: 'step', step: 4, epoch: 1, loss: 4, f: 4, accuracy: 0.5, lr: 0.1, stepMs: 5, imagesPerSec: 100 } });
    nextFrame();
    const s = trainingStore.getState();
    expect(s.series.step).toEqual([1, 2, 3, 4]);
    expect(s.series.loss).toEqual([1, 2, 3, 4]);
    expect(s.series.valAccuracy).toEqual([null, null, 0.4, null]);
    expect(s.status).toBe('running');
  });
});

describe('gradient colours on the graph', () => {
  const edges = [
    { id: 'a', source: 'input', target: 'conv1' },
    { id: 'b', source: 'conv1', target: 'pool1' },
    { id: 'c', source: 'pool1', target: 'fc1' },
    { id: 'd', source: 'fc1', target: 'output' },
  ];
  const norms = { conv1: 0.01, fc1: 10 };

  it('shows on each edge the layer it leaves, or the nearest one above, or the one it enters', () => {
    expect(edgeNorm(edges, norms, 'input', 'conv1')).toBe(0.01);
    expect(edgeNorm(edges, norms, 'conv1', 'pool1')).toBe(0.01);
    expect(edgeNorm(edges, norms, 'pool1', 'fc1')).toBe(0.01);
    expect(edgeNorm(edges, norms, 'fc1', 'output')).toBe(10);
    expect(edgeNorm(edges, {}, 'fc1', 'output')).toBeNull();
  });

  it('maps the smallest norm to blue and the largest to red on a log scale', () => {
    const all = Object.values(norms);
    expect(normColor(0.01, all)).toBe('hsl(220, 80%, 45%)');
    expect(normColor(10, all)).toBe('hsl(0, 80%, 45%)');
    expect(normColor(Math.sqrt(0.1), all)).toBe('hsl(110, 80%, 45%)');
    expect(normColor(0, all)).toBe('#9e9e9e');
  });
});

describe('run comparison', () => {
  it('flattens settings and marks the rows that differ', () => {
    const a = flatten({ config: { optimizer: 'sgd', sgd: { lr: 0.01 } }, data: 'sample', skipped: undefined });
    const b = flatten({ config: { optimizer: 'sgd', sgd: { lr: 0.1 } }, data: 'sample', extra: [1, 2] });
    expect(a).toEqual({ 'config.optimizer': '"sgd"', 'config.sgd.lr': '0.01', data: '"sample"' });
    const rows = diffObjects([a, b]);
    expect(rows.filter((r) => r.differs).map((r) => r.key)).toEqual(['config.sgd.lr', 'extra']);
    expect(rows.find((r) => r.key === 'extra')!.values).toEqual([undefined, '[1,2]']);
  });

  it('compares graphs by node id and edges, not by position', () => {
    const graph = (filters: number, x: number): GraphFile => ({
      format: 'cnnwb-graph',
      version: 1,
      name: 'g',
      nodes: [{ id: 'conv1', name: 'conv1', kind: 'conv', params: { filters, size: 3, stride: 1, padding: 1, activation: 'relu' }, position: { x, y: 0 } }],
      edges: [],
    }) as GraphFile;
    expect(diffObjects([graphRows(graph(8, 0)), graphRows(graph(8, 500))]).some((r) => r.differs)).toBe(false);
    expect(diffObjects([graphRows(graph(8, 0)), graphRows(graph(16, 0))]).filter((r) => r.differs).map((r) => r.key)).toEqual(['node conv1']);
  });
});
