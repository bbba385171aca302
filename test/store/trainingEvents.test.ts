import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TrainerCheckpoint } from '../../core/train/checkpoint';
import { packNumbers, unpackNumbers } from '../../core/store/numericPack';
import { computeTensorStats } from '../../core/store/tensorStats';
import { decodeTrainerCheckpoint, encodeTrainerCheckpoint, recordTrainingEvent } from '../../core/store/trainingEvents';
import { openWorkspace } from '../../core/store/workspace';
import { sampleSpec, tempDir } from './helpers';

const bits = (xs: ArrayLike<number>) => Buffer.from(Float64Array.from(xs).buffer).toString('hex');

function checkpointFixture(): TrainerCheckpoint {
  const values = (n: number, k: number) => Array.from({ length: n }, (_, i) => Math.sin(i * k) / 3 + 1e-300 * i);
  const w = values(800, 1);
  w[3] = -0;
  w[5] = NaN;
  return {
    step: 469,
    epoch: 1,
    parameters: [
      { layerId: 'conv1', name: 'W', values: w },
      { layerId: 'conv1', name: 'b', values: values(3, 2) },
    ],
    optimizer: { velocity: [values(800, 3), values(3, 4)], lambda: -0, stepScale: Infinity },
    order: { epoch: 1, position: 0, permutationSeed: 123456789 },
    random: [1, 2, 3, 4294967295],
    best: { accuracy: 0.9, epoch: 1, parameters: [{ layerId: 'conv1', name: 'W', values: values(800, 5) }] },
    average: [
      { layerId: 'conv1', name: 'W', values: values(800, 6) },
      { layerId: 'conv1', name: 'b', values: values(3, 7) },
    ],
    epochsWithoutImprovement: 0,
    elapsedMs: 1234.5,
  };
}

describe('trainer checkpoints in the store', () => {
  it('round-trip bit-exactly through a workspace, NaN and -0 included', () => {
    const ws = openWorkspace(join(tempDir(), 'w.db'));
    const rec = ws.startRun(sampleSpec());
    const original = checkpointFixture();
    recordTrainingEvent(rec, { type: 'checkpoint', checkpoint: original });
    const back = decodeTrainerCheckpoint(ws.latestCheckpoint(rec.runId)!);
    expect(back.parameters.map((p) => bits(p.values))).toEqual(original.parameters.map((p) => bits(p.values)));
    const velocity = (c: TrainerCheckpoint) => (c.optimizer.velocity as number[][]).map(bits);
    expect(velocity(back)).toEqual(velocity(original));
    expect(Object.is(back.optimizer.lambda, -0)).toBe(true);
    expect(back.optimizer.stepScale).toBe(Infinity);
    expect(bits(back.best!.parameters[0].values)).toBe(bits(original.best!.parameters[0].values));
    expect(back.average!.map((p) => bits(p.values))).toEqual(original.average!.map((p) => bits(p.values)));
    const { parameters: _p, optimizer: _o, best: _b, average: _a, ...rest } = back;
    const { parameters: _p2, optimizer: _o2, best: _b2, average: _a2, ...restOriginal } = original;
    expect(rest).toEqual(restOriginal);
    expect(back.best).toMatchObject({ accuracy: 0.9, epoch: 1 });
    // the weights are in the blob, not in the JSON
    expect(ws.checkpoints.list(rec.runId)[0].weightsBytes).toBe(8 * (800 + 3 + 800 + 800 + 3));
    ws.close();
  });

  it('packNumbers keeps Float32Array as float32 and refuses reserved keys', () => {
    const f32 = Float32Array.from([1.1, 2.2, -3.3]);
    const packed = packNumbers({ a: f32, n: 1 });
    expect(packed.blob.byteLength).toBe(12);
    const back = unpackNumbers(packed.skeleton, packed.blob) as { a: Float32Array; n: number };
    expect(back.a).toBeInstanceOf(Float32Array);
    expect(Array.from(back.a)).toEqual(Array.from(f32));
    expect(() => packNumbers({ $f64: 1 })).toThrow(/reserved/);
    expect(() => unpackNumbers({ $f64: [0, 10] }, new Uint8Array(8))).toThrow(/outside the 8-byte blob/);
  });
});

describe('recordTrainingEvent', () => {
  it('maps every kind of training event to the run', () => {
    const ws = openWorkspace(join(tempDir(), 'w.db'));
    const rec = ws.startRun(sampleSpec(), { statsEvery: 3 });
    recordTrainingEvent(rec, { type: 'started', backend: 'reference', backendDescription: 'float64', parameterCount: 1, trainCount: 4, validationCount: 2, stepsPerEpoch: 2, totalSteps: 2, firstStep: 1 });
    for (const step of [1, 2, 3]) {
      recordTrainingEvent(rec, { type: 'step', step, epoch: 0, loss: 1 / step, f: 2, accuracy: 0.5, lr: 0.1, stepMs: 5, imagesPerSec: 400 });
      recordTrainingEvent(rec, { type: 'layerStats', step, layers: [{ layerId: 'fc1', tensor: 'dW', stats: computeTensorStats([step, 0]) }] });
    }
    recordTrainingEvent(rec, { type: 'epoch', epoch: 0, step: 3, trainLoss: 0.7, trainAccuracy: 0.5, valLoss: 0.8, valAccuracy: 0.4, epochMs: 10 });
    recordTrainingEvent(rec, { type: 'status', status: 'paused' });
    expect(ws.runs.get(rec.runId)!.status).toBe('paused');
    recordTrainingEvent(rec, { type: 'status', status: 'running' });
    recordTrainingEvent(rec, {
      type: 'evaluation',
      step: 3,
      split: 'test',
      evaluation: { count: 2, accuracy: 0.5, meanLoss: 0.9, perClassAccuracy: [1, 0], confusion: [[1, 0], [1, 0]], misclassified: [{ index: 1, predicted: 0, actual: 1 }] },
    });
    recordTrainingEvent(rec, { type: 'status', status: 'diverged', message: 'loss is NaN' });
    expect(ws.runs.get(rec.runId)).toMatchObject({ status: 'diverged', statusDetail: 'loss is NaN', lastStep: 3, bestValAccuracy: 0.4 });
    expect(ws.series.layerStats(rec.runId).map((s) => s.step)).toEqual([1, 3]);
    expect(ws.evaluations.list(rec.runId)[0].misclassified).toEqual([{ index: 1, predicted: 0, actual: 1 }]);
    ws.close();
  });
});
