/**
 * A model file's preprocessing is checked against its graph when the model loads: the shape it was
 * fitted on, finite numbers, sensible ranges; every problem names the field (issue 13, item 11).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { fitPreprocessing, type Preprocessing } from '../../core/data/preprocessing';
import { makeDataset } from '../../core/data/dataset';
import { buildChainGraph } from '../../core/graph/chain';
import { Network } from '../../core/engine/network';
import { createReferenceBackend } from '../../core/compute/reference/typedArrayBackend';
import { buildModelFile, loadModel, ModelFormatError, type ModelFile } from '../../core/model/modelFile';
import type { Shape } from '../../core/graph/shape';

function preprocessingFor(shape: Shape, options: Parameters<typeof fitPreprocessing>[1] = {}): Preprocessing {
  const size = shape.d * shape.a * shape.b;
  const x = Float32Array.from({ length: 4 * size }, (_, i) => (i * 37) % 256);
  return fitPreprocessing(makeDataset({ shape, x, labels: new Int32Array(4), classes: 1, source: 'fit', rawRange: { min: 0, max: 255 } }), options);
}

/** A 1x28x28 -> fc 10 model with the given preprocessing, as JSON would hold it. */
function modelWith(preprocessing: unknown): ModelFile {
  const graph = buildChainGraph('m', [{ kind: 'input', params: { channels: 1, height: 28, width: 28 } }, { kind: 'fc', params: { units: 10 } }, { kind: 'output', params: { loss: 'softmax_ce', classes: 10, C: null } }]);
  const network = new Network(loadModel({ format: 'cnnwb-model', version: 1, graph, layers: [{ nodeId: 'fc1', W: Array.from({ length: 10 }, () => new Array(784).fill(0)), b: new Array(10).fill(0) }] }).spec, createReferenceBackend(), { batchCapacity: 1 });
  network.initialize(1);
  return JSON.parse(JSON.stringify({ ...buildModelFile(graph, network.getParameters()), preprocessing }));
}

function refusal(preprocessing: unknown): string {
  try {
    loadModel(modelWith(preprocessing));
  } catch (e) {
    expect(e).toBeInstanceOf(ModelFormatError);
    return (e as Error).message;
  }
  throw new Error('the model was accepted');
}

const good = preprocessingFor({ d: 1, a: 28, b: 28 }, { standardize: true });

describe('model preprocessing against the graph', () => {
  it('accepts preprocessing fitted on the graph input, and a model without any', () => {
    expect(loadModel(modelWith(good)).model.preprocessing).toEqual(good);
    expect(loadModel(modelWith(undefined)).model.preprocessing).toBeUndefined();
  });

  it('refuses preprocessing fitted on 1x14x14 images for a 1x28x28 graph, naming the field', () => {
    for (const mean of ['per-pixel', 'per-channel', 'none'] as const)
      expect(refusal(preprocessingFor({ d: 1, a: 14, b: 14 }, { mean }))).toBe(
        "preprocessing.shape: is 1x14x14 but the graph's input is 1x28x28: the preprocessing was fitted on other images",
      );
  });

  it.each<[string, (p: Record<string, unknown>) => unknown, string]>([
    ['scale 0', (p) => ({ ...p, scale: 0 }), 'preprocessing.scale: must be a finite number > 0 (1 / the raw value range), got 0'],
    ['a negative scale', (p) => ({ ...p, scale: -1 }), 'preprocessing.scale: must be a finite number > 0 (1 / the raw value range), got -1'],
    ['a string scale', (p) => ({ ...p, scale: '0.5' }), 'preprocessing.scale: must be a finite number > 0 (1 / the raw value range), got "0.5"'],
    ['an offset of null', (p) => ({ ...p, offset: null }), 'preprocessing.offset: must be a finite number, got null'],
    ['a zero std', (p) => ({ ...p, stdValues: (p.stdValues as number[]).map((v, i) => (i === 5 ? 0 : v)) }), 'preprocessing.stdValues[5]: must be > 0, got 0'],
    ['a null mean value (NaN written by JSON)', (p) => ({ ...p, meanValues: (p.meanValues as number[]).map((v, i) => (i === 3 ? null : v)) }), 'preprocessing.meanValues[3]: must be a finite number, got null'],
    ['meanValues that is not an array', (p) => ({ ...p, meanValues: { 0: 1 } }), 'preprocessing.meanValues: must hold 784 numbers (mean per-pixel of 1x28x28), got {"0":1}'],
    ['a missing shape', (p) => ({ ...p, shape: undefined }), 'preprocessing.shape: must be {"d", "a", "b"}, got undefined'],
    ['a shape of strings', (p) => ({ ...p, shape: { d: '1', a: 28, b: 28 } }), 'preprocessing.shape.d: must be a whole number >= 1, got "1"'],
    ['standardize without a mean', (p) => ({ ...p, mean: 'none', meanValues: [], stdValues: [] }), "preprocessing.standardize: is true but mean is 'none': standardisation divides by a per-pixel or per-channel std"],
    ['a string instead of an object', () => 'per-pixel', 'preprocessing: must be an object, got "per-pixel"'],
    ['an array', () => [1, 2], 'preprocessing: must be an object, got [1,2]'],
    ['an unknown mean mode', (p) => ({ ...p, mean: 'median' }), 'preprocessing.mean: must be one of none, per-pixel, per-channel, got "median"'],
  ])('refuses %s, naming the field', (_name, change, message) => {
    expect(refusal(change(good as unknown as Record<string, unknown>))).toBe(message);
  });
});

describe('cnnwb eval with such a model', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cnnwb-model-pre-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('one line naming the file and the field, exit 2, before reading any data', async () => {
    const path = join(dir, 'scale0.json');
    writeFileSync(path, JSON.stringify(modelWith({ ...good, scale: 0 })));
    let stderr = '';
    const code = await main(['eval', path, '--data', 'sample'], { stdout: { write: () => undefined }, stderr: { write: (s: string) => (stderr += s) } });
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(`${path}: preprocessing.scale: must be a finite number > 0`);
  });
});
