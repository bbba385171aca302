import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { applyPreprocessing, type Preprocessing } from '../../core/data/preprocessing';
import { vecToNchw } from '../../core/export/layout';
import { exportOnnx } from '../../core/export/onnxExport';
import { decodeOnnxModel } from '../../core/export/onnxSchema';
import type { GraphFile } from '../../core/graph/format';
import { shapeSize } from '../../core/graph/shape';
import type { LoadedModel } from '../../core/model/modelFile';
import { chain, makeModel, maxAbs, maxAbsDiff, ourScores, randomInputs, template } from './helpers';

/** Runs the exported file in onnxruntime on raw vec inputs; returns scores (count x classes) and the output names. */
async function runOnnx(bytes: Uint8Array, loaded: LoadedModel, xVec: Float64Array, count: number) {
  const session = await InferenceSession.create(bytes);
  const { d, a, b } = loaded.spec.input;
  const x = new Tensor('float32', Float32Array.from(vecToNchw(xVec, loaded.spec.input, count)), [count, d, a, b]);
  const out = await session.run({ x });
  return { scores: out.scores.data as Float32Array, probabilities: out.probabilities?.data as Float32Array | undefined, outputNames: session.outputNames };
}

function preprocessed(loaded: LoadedModel, raw: Float64Array): Float64Array {
  if (!loaded.model.preprocessing) return raw;
  const x = Float32Array.from(raw);
  applyPreprocessing(loaded.model.preprocessing as Preprocessing, x);
  return Float64Array.from(x);
}

async function expectSameScores(graph: GraphFile, seed: number, preprocessing?: Preprocessing, count = 5) {
  const loaded = makeModel(graph, seed, preprocessing);
  const raw = randomInputs(shapeSize(loaded.spec.input), count, seed + 7, preprocessing !== undefined);
  const ours = ourScores(loaded, preprocessed(loaded, raw), count);
  const { scores, probabilities, outputNames } = await runOnnx(exportOnnx(loaded), loaded, raw, count);
  expect(maxAbs(ours)).toBeGreaterThan(1e-3);
  // float32 end to end against float64: relative to the size of the scores
  expect(maxAbsDiff(scores, ours)).toBeLessThan(1e-4 * Math.max(1, maxAbs(ours)));
  return { loaded, ours, probabilities, outputNames };
}

const perPixelPreprocessing = (d: number, a: number, b: number, standardize: boolean): Preprocessing => {
  const size = d * a * b;
  return {
    format: 'cnnwb-preprocessing',
    version: 1,
    shape: { d, a, b },
    offset: 0,
    scale: 1 / 255,
    mean: 'per-pixel',
    meanValues: Array.from({ length: size }, (_, v) => 0.2 + 0.5 * Math.abs(Math.sin(v))),
    standardize,
    stdValues: standardize ? Array.from({ length: size }, (_, v) => 0.1 + Math.abs(Math.cos(v))) : [],
  };
};

describe('ONNX export, run in onnxruntime', () => {
  it('simpleNN 3-layer template (max pool, relu, squared loss): same scores as the engine; only a scores output', async () => {
    const { outputNames } = await expectSameScores(template('simplenn-3layer'), 3);
    expect(outputNames).toEqual(['scores']);
  });

  it('LeNet-5 (avg pool, tanh, softmax CE) with per-pixel preprocessing: same scores, probabilities are their softmax', async () => {
    const { ours, probabilities, outputNames } = await expectSameScores(template('lenet5'), 5, perPixelPreprocessing(1, 28, 28, false), 4);
    expect(outputNames).toEqual(['scores', 'probabilities']);
    for (let n = 0; n < 4; n++) {
      const z = Array.from(ours.subarray(n * 10, n * 10 + 10));
      const m = Math.max(...z);
      const sum = z.reduce((s, v) => s + Math.exp(v - m), 0);
      z.forEach((v, k) => expect(probabilities![n * 10 + k]).toBeCloseTo(Math.exp(v - m) / sum, 5));
    }
  });

  it('stride, padding, leaky relu, sigmoid, a standalone activation, overlapping max pool, several channels, per-channel standardisation', async () => {
    const graph = chain('mixed', [
      { kind: 'input', params: { channels: 3, height: 11, width: 9 } },
      { kind: 'conv', params: { filters: 4, size: 3, stride: 2, padding: 1, activation: 'leaky_relu', leak: 0.2 } },
      { kind: 'conv', params: { filters: 5, size: 2, stride: 1, padding: 0, activation: 'sigmoid' } },
      { kind: 'pool', params: { mode: 'max', size: 3, stride: 1 } },
      { kind: 'activation', params: { fn: 'tanh' } },
      { kind: 'fc', params: { units: 7, activation: 'leaky_relu' } },
      { kind: 'fc', params: { units: 4, activation: 'linear' } },
      { kind: 'output', params: { loss: 'softmax_ce', classes: 4, C: 10 } },
    ]);
    const preprocessing: Preprocessing = {
      format: 'cnnwb-preprocessing',
      version: 1,
      shape: { d: 3, a: 11, b: 9 },
      offset: 10,
      scale: 1 / 200,
      mean: 'per-channel',
      meanValues: [0.1, 0.5, 0.3],
      standardize: true,
      stdValues: [0.25, 0.5, 2],
    };
    await expectSameScores(graph, 8, preprocessing, 6);
  });

  it('non-square images, per-pixel standardisation, a 1x1 convolution after a fully-connected layer, and scores taken from an image (vec order)', async () => {
    const graph = chain('odd', [
      { kind: 'input', params: { channels: 2, height: 6, width: 5 } },
      { kind: 'conv', params: { filters: 3, size: 3, stride: 1, padding: 2, activation: 'relu' } },
      { kind: 'pool', params: { mode: 'avg', size: 2, stride: 2 } },
      { kind: 'fc', params: { units: 6, activation: 'tanh' } },
      { kind: 'conv', params: { filters: 6, size: 1, stride: 1, padding: 0, activation: 'linear' } },
      { kind: 'output', params: { loss: 'squared', classes: 6, C: null } },
    ]);
    await expectSameScores(graph, 11, perPixelPreprocessing(2, 6, 5, true), 3);
    const imageOut = chain('image scores', [
      { kind: 'input', params: { channels: 2, height: 3, width: 2 } },
      { kind: 'conv', params: { filters: 2, size: 1, stride: 1, padding: 0, activation: 'linear' } },
      { kind: 'output', params: { loss: 'squared', classes: 12, C: null } },
    ]);
    await expectSameScores(imageOut, 12);
  });

  it('writes a standard opset-13 model with named initialisers and the loss/C in metadata', () => {
    const loaded = makeModel(template('lenet5'), 2);
    const decoded = decodeOnnxModel(exportOnnx(loaded));
    expect(decoded.opsetImport).toEqual([{ domain: '', version: 13 }]);
    expect(decoded.graph!.node!.map((n) => n.opType)).toEqual([
      'Conv', 'Tanh', 'AveragePool', 'Conv', 'Tanh', 'AveragePool', 'Flatten', 'Gemm', 'Tanh', 'Gemm', 'Tanh', 'Gemm', 'Softmax',
    ]);
    expect(decoded.graph!.initializer!.map((t) => `${t.name}:${t.dims!.join('x')}`)).toEqual([
      'conv1.weight:6x1x5x5', 'conv1.bias:6', 'conv2.weight:16x6x5x5', 'conv2.bias:16',
      'fc1.weight:120x400', 'fc1.bias:120', 'fc2.weight:84x120', 'fc2.bias:84', 'fc3.weight:10x84', 'fc3.bias:10',
    ]);
    expect(Object.fromEntries(decoded.metadataProps!.filter((m) => m.key !== 'cnnwb.graph').map((m) => [m.key, m.value]))).toEqual({ 'cnnwb.loss': 'softmax_ce', 'cnnwb.C': 'null' });
  });
});
