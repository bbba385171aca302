import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { applyPreprocessing, type Preprocessing } from '../../core/data/preprocessing';
import { vecToNchw } from '../../core/export/layout';
import { attrFloat, attrInt, attrInts, OnnxGraphBuilder } from '../../core/export/onnxBuilder';
import { exportOnnx } from '../../core/export/onnxExport';
import { importOnnx, OnnxImportError } from '../../core/export/onnxImport';
import { decodeOnnxModel, encodeOnnxModel, ONNX_FLOAT, type OnnxModel } from '../../core/export/onnxSchema';
import { shapeSize } from '../../core/graph/shape';
import type { LoadedModel } from '../../core/model/modelFile';
import { Random } from '../../core/util/random';
import { chain, makeModel, maxAbs, maxAbsDiff, ourScores, randomInputs, template } from './helpers';

function scoresOf(loaded: LoadedModel, raw: Float64Array, count: number): Float64Array {
  if (!loaded.model.preprocessing) return ourScores(loaded, raw, count);
  const x = Float32Array.from(raw);
  applyPreprocessing(loaded.model.preprocessing as Preprocessing, x);
  return ourScores(loaded, Float64Array.from(x), count);
}

function roundTrip(loaded: LoadedModel): LoadedModel {
  return importOnnx(exportOnnx(loaded), 'test.onnx');
}

const input = (name: string, dims: (number | string)[]) => ({
  name,
  type: { tensorType: { elemType: ONNX_FLOAT, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
});

function foreignModel(g: OnnxGraphBuilder, inputDims: (number | string)[], output: string, classes: number): Uint8Array {
  const model: OnnxModel = {
    irVersion: 7,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'some-other-tool',
    graph: { name: 'foreign', node: g.nodes, initializer: g.initializers, input: [input('image', inputDims)], output: [input(output, ['N', classes])] },
  };
  return encodeOnnxModel(model);
}

const randomValues = (n: number, random: Random, scale = 0.3) => Float64Array.from({ length: n }, () => scale * random.normal());

describe('ONNX import', () => {
  it('export -> import gives back the same graph, weights and preprocessing, and identical outputs', () => {
    const graph = chain('mixed', [
      { kind: 'input', params: { channels: 2, height: 9, width: 7 } },
      { kind: 'conv', params: { filters: 3, size: 3, stride: 2, padding: 1, activation: 'leaky_relu', leak: 0.1 } },
      { kind: 'activation', params: { fn: 'sigmoid' } },
      { kind: 'pool', params: { mode: 'max', size: 2, stride: 1 } },
      { kind: 'fc', params: { units: 5, activation: 'tanh' } },
      { kind: 'fc', params: { units: 3, activation: 'linear' } },
      { kind: 'output', params: { loss: 'squared', classes: 3, C: 42 } },
    ]);
    const pre: Preprocessing = {
      format: 'cnnwb-preprocessing', version: 1, shape: { d: 2, a: 9, b: 7 }, offset: 3, scale: 0.01, mean: 'per-channel', meanValues: [0.4, -0.2], standardize: true, stdValues: [0.5, 2],
    };
    const loaded = makeModel(graph, 21, pre);
    const back = roundTrip(loaded);
    expect(back.model.graph).toEqual(graph);
    expect(back.model.preprocessing).toEqual(pre);
    back.parameters.forEach((p, i) => expect(maxAbsDiff(p.values, loaded.parameters[i].values)).toBeLessThan(1e-6 * Math.max(1, maxAbs(loaded.parameters[i].values))));
    const raw = randomInputs(shapeSize(loaded.spec.input), 4, 5, true);
    const a = scoresOf(loaded, raw, 4);
    const b = scoresOf(back, raw, 4);
    expect(maxAbs(a)).toBeGreaterThan(1e-3);
    expect(maxAbsDiff(a, b)).toBeLessThan(1e-5 * Math.max(1, maxAbs(a)));
  });

  it('round-trips the three templates (per-pixel mean; per-channel standardisation of one channel) with the same outputs', () => {
    const perPixel: Preprocessing = {
      format: 'cnnwb-preprocessing', version: 1, shape: { d: 1, a: 28, b: 28 }, offset: 0, scale: 0.5, mean: 'per-pixel',
      meanValues: Array.from({ length: 784 }, (_, v) => 0.3 + 0.2 * Math.sin(v)), standardize: false, stdValues: [],
    };
    // a single channel's mean and std are scalars, like an offset and a scale: the node names tell them apart
    const perChannel: Preprocessing = { format: 'cnnwb-preprocessing', version: 1, shape: { d: 1, a: 28, b: 28 }, offset: 0, scale: 1, mean: 'per-channel', meanValues: [72.5], standardize: true, stdValues: [90.25] };
    for (const [name, seed, pre] of [['simplenn-3layer', 1, perPixel], ['simplenn-7layer', 2, perPixel], ['lenet5', 3, perChannel]] as const) {
      const graph = template(name);
      const loaded = makeModel(graph, seed, pre);
      const back = roundTrip(loaded);
      expect(back.model.graph).toEqual(graph);
      if (pre === perChannel) expect(back.model.preprocessing).toEqual(pre);
      const raw = randomInputs(784, 3, seed, true);
      const a = scoresOf(loaded, raw, 3);
      expect(maxAbsDiff(a, scoresOf(back, raw, 3))).toBeLessThan(1e-5 * Math.max(1, maxAbs(a)));
    }
  });

  it('imports a model from another tool (MatMul+Add, Reshape via a Constant, Dropout, fused activations, Gemm alpha) and computes what onnxruntime computes', async () => {
    const random = new Random(77);
    const g = new OnnxGraphBuilder();
    let t = g.node('Conv', '/features/conv/Conv', ['image', g.floatInitializer('w1', [4, 3, 3, 3], randomValues(108, random)), g.floatInitializer('b1', [4], randomValues(4, random))], 't1', [
      attrInts('kernel_shape', [3, 3]), attrInts('pads', [1, 1, 1, 1]), attrInts('strides', [1, 1]),
    ]);
    t = g.node('Relu', '/features/relu/Relu', [t], 't2');
    t = g.node('MaxPool', '/features/pool/MaxPool', [t], 't3', [attrInts('kernel_shape', [2, 2]), attrInts('strides', [2, 2])]);
    t = g.node('Conv', '/features/conv2/Conv', [t, g.floatInitializer('w2', [5, 4, 2, 2], randomValues(80, random))], 't4', [attrInts('kernel_shape', [2, 2])]);
    t = g.node('LeakyRelu', '/features/lrelu/LeakyRelu', [t], 't5', [attrFloat('alpha', 0.3)]);
    g.nodes.push({ name: 'shape_const', opType: 'Constant', input: [], output: ['shape'], attribute: [{ name: 'value', type: 4, t: { dims: [2], dataType: 7, int64Data: [0, -1] } }] });
    t = g.node('Reshape', '/Reshape', [t, 'shape'], 't6');
    t = g.node('Dropout', '/Dropout', [t], 't7');
    t = g.node('MatMul', '/classifier/MatMul', [t, g.floatInitializer('w3', [5 * 2 * 2, 6], randomValues(120, random))], 't8');
    t = g.node('Add', '/classifier/Add', [t, g.floatInitializer('b3', [6], randomValues(6, random))], 't9');
    t = g.node('Sigmoid', '/classifier/Sigmoid', [t], 't10');
    t = g.node('Gemm', '/head/Gemm', [t, g.floatInitializer('w4', [6, 3], randomValues(18, random)), g.floatInitializer('b4', [3], randomValues(3, random))], 'logits', [attrFloat('alpha', 0.5)]);
    const bytes = foreignModel(g, ['batch', 3, 7, 6], 'logits', 3);

    const imported = importOnnx(bytes, 'foreign.onnx');
    expect(imported.model.graph.nodes.map((n) => `${n.kind}:${n.id}`)).toEqual([
      'input:input', 'conv:features_conv', 'pool:features_pool', 'conv:features_conv2', 'fc:classifier', 'fc:head', 'output:output',
    ]);
    expect(imported.spec.layers.map((l) => ('activation' in l ? l.activation : l.kind))).toEqual(['relu', 'pool', 'leaky_relu', 'sigmoid', 'linear']);

    const count = 3;
    const xVec = randomInputs(3 * 7 * 6, count, 9);
    const session = await InferenceSession.create(bytes);
    const out = await session.run({ image: new Tensor('float32', Float32Array.from(vecToNchw(xVec, { d: 3, a: 7, b: 6 }, count)), [count, 3, 7, 6]) });
    const theirs = out.logits.data as Float32Array;
    const ours = ourScores(imported, xVec, count);
    expect(maxAbs(ours)).toBeGreaterThan(1e-3);
    expect(maxAbsDiff(theirs, ours)).toBeLessThan(1e-5);
  });

  it('imports a zero Pad folded into the next Conv, Transpose [0,3,2,1] + Flatten (vec order) and a GlobalAveragePool, as onnxruntime computes them', async () => {
    const random = new Random(5);
    const g = new OnnxGraphBuilder();
    const padded = g.node('Pad', 'pad', ['image', g.int64Initializer('pads', [0, 0, 1, 1, 0, 0, 1, 1])], 't0');
    let t = g.node('Conv', 'c', [padded, g.floatInitializer('w', [3, 2, 1, 1], randomValues(6, random)), g.floatInitializer('cb', [3], randomValues(3, random))], 't1', [attrInts('kernel_shape', [1, 1])]);
    const pooled = g.node('GlobalAveragePool', 'gap', [t], 't2');
    t = g.node('Transpose', 'tr', [pooled], 't3', [attrInts('perm', [0, 3, 2, 1])]);
    t = g.node('Flatten', 'fl', [t], 't4', [attrInt('axis', 1)]);
    t = g.node('Gemm', 'fc', [t, g.floatInitializer('w2', [4, 3], randomValues(12, random))], 'y', [attrInt('transB', 1)]);
    const bytes = foreignModel(g, [2, 2, 4, 4], 'y', 4);
    const imported = importOnnx(bytes);
    expect(imported.spec.layers.map((l) => (l.kind === 'conv' ? `conv p${l.padding}` : l.kind === 'pool' ? `pool ${l.size}` : l.kind))).toEqual(['conv p1', 'pool 6', 'fc']);
    const xVec = randomInputs(32, 2, 3);
    const session = await InferenceSession.create(bytes);
    const out = await session.run({ image: new Tensor('float32', Float32Array.from(vecToNchw(xVec, { d: 2, a: 4, b: 4 }, 2)), [2, 2, 4, 4]) });
    expect(maxAbsDiff(out.y.data as Float32Array, ourScores(imported, xVec, 2))).toBeLessThan(1e-5);
  });

  it('rejects a model with unsupported operators, listing every one by node name, and imports nothing', () => {
    const random = new Random(3);
    const g = new OnnxGraphBuilder();
    let t = g.node('Conv', 'conv_a', ['image', g.floatInitializer('w', [2, 1, 3, 3], randomValues(18, random))], 't1', [attrInts('kernel_shape', [3, 3]), attrInts('dilations', [2, 2])]);
    t = g.node('BatchNormalization', 'bn_1', [t, g.floatInitializer('s', [2], [1, 1]), g.floatInitializer('bb', [2], [0, 0]), g.floatInitializer('m', [2], [0, 0]), g.floatInitializer('v', [2], [1, 1])], 't2');
    t = g.node('Elu', 'elu_1', [t], 't3');
    t = g.node('Flatten', 'flat', [t], 't4');
    t = g.node('Gemm', 'fc', [t, g.floatInitializer('w2', [2, 2], randomValues(4, random))], 'y', [attrInt('transB', 1)]);
    const bytes = foreignModel(g, ['N', 1, 5, 5], 'y', 2);
    let error: unknown;
    try {
      importOnnx(bytes, 'bad.onnx');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OnnxImportError);
    const problems = (error as OnnxImportError).problems;
    expect(problems.map((p) => p.node)).toEqual(['conv_a', 'bn_1', 'elu_1']);
    expect(problems[0].problem).toMatch(/dilations/);
    expect(problems[1].problem).toBe('operator BatchNormalization is not supported');
    expect((error as Error).message).toMatch(/^bad\.onnx: not imported, 3 problems: Conv node "conv_a": .*BatchNormalization node "bn_1".*Elu node "elu_1"/);
  });

  it('rejects branches, a second input, garbage bytes, a softmax in the middle, a dynamic image size and NCHW-flattened scores, naming the place', () => {
    const loaded = makeModel(template('simplenn-3layer'), 1);
    const bytes = exportOnnx(loaded);
    expect(() => importOnnx(bytes.subarray(0, 100), 'cut.onnx')).toThrow(/^cut\.onnx: not imported/);
    expect(() => importOnnx(new TextEncoder().encode('{"format": "cnnwb-model"}'), 'json.onnx')).toThrow(/json\.onnx: not imported.*not an ONNX model/);
    const twoInputs = decodeOnnxModel(bytes);
    twoInputs.graph!.input!.push(input('mask', ['N', 1, 28, 28]));
    expect(() => importOnnx(encodeOnnxModel(twoInputs), 'two.onnx')).toThrow(/two\.onnx: not imported, 1 problem: graph ".*": has 2 inputs \("x", "mask"\); the workbench takes exactly one$/);

    const g = new OnnxGraphBuilder();
    const a = g.node('Relu', 'left', ['image'], 'a');
    g.node('Tanh', 'right', ['image'], 'b');
    g.node('Softmax', 'mid_softmax', [a], 'c', [attrInt('axis', 1)]);
    g.node('Relu', 'after', ['c'], 'y');
    expect(() => importOnnx(foreignModel(g, ['N', 4], 'y', 4), 'branch.onnx')).toThrow(/tensor "image": feeds 2 nodes \("left", "right"\)/);

    const h = new OnnxGraphBuilder();
    const s = h.node('Softmax', 'mid_softmax', ['image'], 'c', [attrInt('axis', 1)]);
    h.node('Relu', 'after', [s], 'y');
    expect(() => importOnnx(foreignModel(h, ['N', 4], 'y', 4), 'mid.onnx')).toThrow(/Softmax node "mid_softmax": Softmax is only supported at the end/);

    const dynamic = new OnnxGraphBuilder();
    dynamic.node('Relu', 'r', ['image'], 'y');
    expect(() => importOnnx(foreignModel(dynamic, ['N', 1, 'H', 'W'], 'y', 4), 'dyn.onnx')).toThrow(/^dyn\.onnx: not imported, 1 problem: input "image": shape \[N x 1 x H x W\]: expected N x C x H x W or N x K with fixed C, H, W \(K\)$/);

    const nchwScores = new OnnxGraphBuilder();
    nchwScores.node('Flatten', 'f', [nchwScores.node('Relu', 'r', ['image'], 't')], 'y');
    expect(() => importOnnx(foreignModel(nchwScores, ['N', 2, 2, 1], 'y', 4), 'nchw.onnx')).toThrow(/tensor "y": the scores are an image flattened in NCHW order/);
  });
});

describe('ONNX initializers with impossible dimensions', () => {
  const exported = () => decodeOnnxModel(exportOnnx(makeModel(template('simplenn-3layer'), 1)));

  it.each([
    ['a negative dimension', [-5, 1, 5, 5], /dimension -5 in dims \[-5, 1, 5, 5\] is not a whole number >= 0/],
    ['a dimension of 2^40 (more values than the file holds)', [2 ** 40, 1, 5, 5], /raw data holds \d+ bytes, dims 1099511627776x1x5x5 need/],
  ])('%s is refused naming the initializer, without allocating it', (_name, dims, problem) => {
    const model = exported();
    const first = model.graph!.initializer![0];
    first.dims = dims;
    let error: unknown;
    try {
      importOnnx(encodeOnnxModel(model), 'dims.onnx');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OnnxImportError);
    expect((error as Error).message).toMatch(new RegExp(`^dims\\.onnx: not imported, 1 problem: initializer "${first.name!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}": `));
    expect((error as Error).message).toMatch(problem);
  });
});
