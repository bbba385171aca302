/**
 * The exported PyTorch script, run by a real PyTorch where one is installed (Debian's python3-torch;
 * CNNWB_PYTHON may name the interpreter). Without one these tests are reported as skipped.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createReferenceBackend } from '../../core/compute/reference/typedArrayBackend';
import { encodeIdxUbyte } from '../../core/data/idx-write';
import { loadIdxPair } from '../../core/data/idx';
import { applyPreprocessing, fitPreprocessing, type Preprocessing } from '../../core/data/preprocessing';
import { Network } from '../../core/engine/network';
import { vecToNchw } from '../../core/export/layout';
import { importOnnx } from '../../core/export/onnxImport';
import { moduleNames } from '../../core/export/pythonNames';
import { exportTorch } from '../../core/export/torchExport';
import { torchTensors } from '../../core/export/torchWeights';
import type { GraphFile } from '../../core/graph/format';
import { shapeSize } from '../../core/graph/shape';
import { buildModelFile, loadModel, type LoadedModel } from '../../core/model/modelFile';
import { createOptimizer } from '../../core/train/createOptimizer';
import { resolveTrainingConfig, type TrainingConfigInput } from '../../core/train/config';
import { Random } from '../../core/util/random';
import { chain, makeModel, maxAbs, maxAbsDiff, ourScores, randomInputs, template } from './helpers';

/** CNNWB_PYTHON, when set, is the only interpreter tried; else python3 on the PATH, then Debian's. */
function findTorchPython(): string | null {
  const candidates = process.env.CNNWB_PYTHON !== undefined ? [process.env.CNNWB_PYTHON] : ['python3', '/usr/bin/python3'];
  for (const python of candidates) {
    if (!python) continue;
    if (spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore', timeout: 120_000 }).status === 0) return python;
  }
  return null;
}

const python = findTorchPython();
const anyPython = python ?? (spawnSync('python3', ['--version'], { stdio: 'ignore' }).status === 0 ? 'python3' : null);
const skipReason = python ? '' : ' [skipped: no python3 that can "import torch" here; install Debian python3-torch or set CNNWB_PYTHON]';
if (!python) console.warn(`test/export/torch.test.ts:${skipReason}`);

function writeProject(dir: string, loaded: LoadedModel, config?: TrainingConfigInput): void {
  mkdirSync(dir, { recursive: true });
  const files = exportTorch({ spec: loaded.spec, graphName: loaded.model.graph.name, model: loaded, config: resolveTrainingConfig(config) });
  for (const [name, content] of files) writeFileSync(join(dir, name), content);
}

function runScript(dir: string, args: string[]): string {
  const r = spawnSync(python!, [join(dir, 'train.py'), ...args], { cwd: dir, encoding: 'utf8', timeout: 240_000 });
  if (r.status !== 0) throw new Error(`train.py ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

function preprocessed(loaded: LoadedModel, raw: Float64Array): Float64Array {
  if (!loaded.model.preprocessing) return raw;
  const x = Float32Array.from(raw);
  applyPreprocessing(loaded.model.preprocessing as Preprocessing, x);
  return Float64Array.from(x);
}

function torchScores(dir: string, loaded: LoadedModel, raw: Float64Array, count: number): Float32Array {
  writeFileSync(join(dir, 'in.f32'), Float32Array.from(vecToNchw(raw, loaded.spec.input, count)));
  runScript(dir, ['--weights', 'weights.json', '--forward-input', 'in.f32', '--forward-output', 'out.f32']);
  const bytes = readFileSync(join(dir, 'out.f32'));
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** The float32 values of a weights manifest written by the script, by tensor name. */
function readManifest(path: string): Map<string, Float32Array> {
  const manifest = JSON.parse(readFileSync(path, 'utf8'));
  const bytes = readFileSync(join(path, '..', manifest.data));
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return new Map(manifest.tensors.map((t: { name: string; offset: number; count: number }) => [t.name, all.subarray(t.offset, t.offset + t.count)]));
}

const root = mkdtempSync(join(tmpdir(), 'cnnwb-torch-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const mixedGraph = (): GraphFile =>
  chain('mixed', [
    { kind: 'input', params: { channels: 3, height: 10, width: 9 } },
    { kind: 'conv', params: { filters: 4, size: 3, stride: 2, padding: 1, activation: 'leaky_relu', leak: 0.2 } },
    { kind: 'activation', params: { fn: 'sigmoid' } },
    { kind: 'pool', params: { mode: 'max', size: 2, stride: 1 } },
    { kind: 'fc', params: { units: 6, activation: 'tanh' } },
    { kind: 'conv', params: { filters: 5, size: 1, stride: 1, padding: 0, activation: 'relu' } },
    { kind: 'fc', params: { units: 4, activation: 'linear' } },
    { kind: 'output', params: { loss: 'softmax_ce', classes: 4, C: 3 } },
  ]);

// Each python process pays for importing torch; under a loaded CI machine that can take a while.
describe(`PyTorch script export${skipReason}`, { timeout: 300_000 }, () => {
  it('writes a readable module with the design\'s layers, its loss, C, optimiser defaults and a --distributed flag', () => {
    const loaded = makeModel(template('lenet5'), 1);
    const files = exportTorch({ spec: loaded.spec, graphName: 'LeNet-5', config: resolveTrainingConfig({ optimizer: 'newton' }) });
    expect([...files.keys()]).toEqual(['train.py']);
    const script = files.get('train.py') as string;
    expect(script).toContain('self.conv1 = nn.Conv2d(1, 6, kernel_size=5, stride=1, padding=2)');
    expect(script).toContain('self.pool2 = nn.AvgPool2d(kernel_size=2, stride=2)');
    expect(script).toContain('self.fc1 = nn.Linear(400, 120)');
    expect(script).toMatch(/x = torch\.tanh\(self\.fc2\(x\)\)\s+# 84/);
    expect(script).toContain('LOSS = "softmax_ce"');
    expect(script).toContain('C = None');
    expect(script).toContain('DistributedDataParallel(net');
    expect(script).toMatch(/Newton method .* is NOT\n# exported/);
    expect(script).toContain('"optimizer": "sgd"');
  });

  it.skipIf(!anyPython)(`awkward node ids and graph names still give valid Python${anyPython ? '' : ' [skipped: no python3 here]'}`, () => {
    const graph = chain('He said "hi" \\ bye\n"', [
      { kind: 'input', id: 'in put', params: { channels: 1, height: 6, width: 6 } },
      { kind: 'conv', id: '1st conv', params: { filters: 2, size: 3, stride: 1, padding: 0, activation: 'relu' } },
      { kind: 'activation', id: 'forward', params: { fn: 'tanh' } },
      { kind: 'pool', id: 'class', params: { mode: 'avg', size: 2, stride: 2 } },
      { kind: 'fc', id: 'conv-1', params: { units: 3, activation: 'linear' } },
      { kind: 'fc', id: 'conv_1', params: { units: 3, activation: 'linear' } },
      { kind: 'output', id: 'out', params: { loss: 'squared', classes: 3, C: 1 } },
    ]);
    const loaded = makeModel(graph, 1);
    expect([...moduleNames(loaded.spec).values()]).toEqual(['layer_1st_conv', 'forward_layer', 'class_layer', 'conv_1', 'conv_1_2']);
    const dir = join(root, 'awkward');
    writeProject(dir, loaded);
    const r = spawnSync(anyPython!, ['-m', 'py_compile', join(dir, 'train.py')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('names the state_dict tensors after the layers in PyTorch layout, preprocessing included', () => {
    const pre: Preprocessing = { format: 'cnnwb-preprocessing', version: 1, shape: { d: 3, a: 10, b: 9 }, offset: 0, scale: 1 / 255, mean: 'per-channel', meanValues: [0.1, 0.2, 0.3], standardize: false, stdValues: [] };
    const loaded = makeModel(mixedGraph(), 4, pre);
    const tensors = torchTensors(loaded, moduleNames(loaded.spec));
    expect(tensors.map((t) => `${t.name}:${t.shape.join('x')}`)).toEqual([
      'conv1.weight:4x3x3x3', 'conv1.bias:4', 'fc1.weight:6x64', 'fc1.bias:6', 'conv2.weight:5x6x1x1', 'conv2.bias:5', 'fc2.weight:4x5', 'fc2.bias:4',
      'preprocess.offset:', 'preprocess.scale:', 'preprocess.mean:1x3x1x1', 'preprocess.std:1x3x1x1',
    ]);
    expect(Array.from(tensors[tensors.length - 1].values)).toEqual([1, 1, 1]);
  });

  it.skipIf(!python)('torch forward pass on the exported weights equals the engine (3-layer + per-pixel mean, LeNet-5, a stride/leaky/sigmoid/1x1-after-fc net + standardisation)', () => {
    const perPixel: Preprocessing = {
      format: 'cnnwb-preprocessing', version: 1, shape: { d: 1, a: 28, b: 28 }, offset: 0, scale: 1 / 255, mean: 'per-pixel',
      meanValues: Array.from({ length: 784 }, (_, v) => 0.3 + 0.2 * Math.sin(v)), standardize: false, stdValues: [],
    };
    const perChannel: Preprocessing = {
      format: 'cnnwb-preprocessing', version: 1, shape: { d: 3, a: 10, b: 9 }, offset: 5, scale: 1 / 250, mean: 'per-channel', meanValues: [0.1, 0.5, 0.3], standardize: true, stdValues: [0.2, 1.5, 0.7],
    };
    const cases: [string, LoadedModel][] = [
      ['simplenn-3layer', makeModel(template('simplenn-3layer'), 2, perPixel)],
      ['lenet5', makeModel(template('lenet5'), 3)],
      ['mixed', makeModel(mixedGraph(), 5, perChannel)],
    ];
    for (const [name, loaded] of cases) {
      const dir = join(root, `forward-${name}`);
      writeProject(dir, loaded);
      const count = 5;
      const raw = randomInputs(shapeSize(loaded.spec.input), count, 17, loaded.model.preprocessing !== undefined);
      const ours = ourScores(loaded, preprocessed(loaded, raw), count);
      const theirs = torchScores(dir, loaded, raw, count);
      expect(maxAbs(ours), name).toBeGreaterThan(1e-3);
      expect(maxAbsDiff(theirs, ours), name).toBeLessThan(1e-4 * Math.max(1, maxAbs(ours)));
    }
  });

  it.skipIf(!python)("PyTorch's own ONNX export of the script's network imports back (Pad before AvgPool, view to 1x1, fused activations) with the same scores", () => {
    const perPixel: Preprocessing = {
      format: 'cnnwb-preprocessing', version: 1, shape: { d: 1, a: 28, b: 28 }, offset: 0, scale: 1 / 255, mean: 'per-pixel',
      meanValues: Array.from({ length: 784 }, (_, v) => 0.3 + 0.2 * Math.cos(v)), standardize: false, stdValues: [],
    };
    const cases: [string, LoadedModel][] = [
      ['lenet5', makeModel(template('lenet5'), 6, perPixel)],
      ['mixed', makeModel(mixedGraph(), 7)],
    ];
    for (const [name, loaded] of cases) {
      const dir = join(root, `torch-onnx-${name}`);
      writeProject(dir, loaded);
      runScript(dir, ['--weights', 'weights.json', '--epochs', '0', '--export-onnx', 'net.onnx']);
      const imported = importOnnx(readFileSync(join(dir, 'net.onnx')), `${name}.onnx`);
      expect(imported.spec.layers.map((l) => l.kind + ('activation' in l ? `/${l.activation}` : '')), name).toEqual(loaded.spec.layers.map((l) => l.kind + ('activation' in l ? `/${l.activation}` : '')));
      expect(imported.model.preprocessing === undefined, name).toBe(loaded.model.preprocessing === undefined);
      const raw = randomInputs(shapeSize(loaded.spec.input), 3, 8, true);
      const ours = ourScores(loaded, preprocessed(loaded, raw), 3);
      expect(maxAbsDiff(ourScores(imported, preprocessed(imported, raw), 3), ours), name).toBeLessThan(1e-4 * Math.max(1, maxAbs(ours)));
    }
  });

  it.skipIf(!python)('without weights the script fits the preprocessing as the workbench does (idx4 colour images; per-channel standardisation, per-pixel mean)', () => {
    const graph = chain('colour', [
      { kind: 'input', params: { channels: 3, height: 5, width: 4 } },
      { kind: 'conv', params: { filters: 2, size: 3, stride: 1, padding: 1, activation: 'relu' } },
      { kind: 'fc', params: { units: 3, activation: 'linear' } },
      { kind: 'output', params: { loss: 'softmax_ce', classes: 3, C: null } },
    ]);
    const spec = makeModel(graph, 1).spec;
    const count = 30;
    const random = new Random(4);
    // channel 0 below 128, channel 2 constant (its std must come out as 1)
    const images = Uint8Array.from({ length: count * 60 }, (_, i) => (i % 3 === 2 ? 200 : random.int(256)) & (i % 3 === 0 ? 0x7f : 0xff));
    for (const options of [{ scaleToUnit: true, mean: 'per-channel', standardize: true }, { scaleToUnit: true, mean: 'per-pixel', standardize: false }] as const) {
      const dir = join(root, `fit-${options.mean}`);
      mkdirSync(dir, { recursive: true });
      for (const [name, content] of exportTorch({ spec, graphName: 'colour', config: resolveTrainingConfig({ preprocessing: options }) })) writeFileSync(join(dir, name), content);
      writeFileSync(join(dir, 'train-images-idx3-ubyte'), encodeIdxUbyte([count, 5, 4, 3], images));
      writeFileSync(join(dir, 'train-labels-idx1-ubyte'), encodeIdxUbyte([count], Uint8Array.from({ length: count }, (_, i) => i % 3)));
      runScript(dir, ['--data', dir, '--epochs', '0', '--validation-fraction', '0', '--save', 'fitted.json']);
      const saved = readManifest(join(dir, 'fitted.json'));
      const ours = fitPreprocessing(loadIdxPair(join(dir, 'train-images-idx3-ubyte'), join(dir, 'train-labels-idx1-ubyte')), options);
      const nchw = (values: number[]) => (options.mean === 'per-pixel' ? vecToNchw(values, ours.shape, 1) : values);
      expect(saved.get('preprocess.offset')![0]).toBe(ours.offset);
      expect(saved.get('preprocess.scale')![0]).toBeCloseTo(ours.scale, 9);
      expect(maxAbsDiff(saved.get('preprocess.mean')!, nchw(ours.meanValues)), options.mean).toBeLessThan(1e-6);
      if (options.standardize) {
        expect(ours.stdValues[2]).toBe(1);
        expect(maxAbsDiff(saved.get('preprocess.std')!, ours.stdValues)).toBeLessThan(1e-6);
      } else expect(Array.from(new Set(saved.get('preprocess.std')!))).toEqual([1]);
    }
  });

  describe.each([
    ['SGD with momentum and decay', { optimizer: 'sgd', sgd: { lr: 0.05, momentum: 0.8, decay: 0.5 } }, 'squared', 5],
    ['Adam with decay', { optimizer: 'adam', adam: { lr: 0.01, decay: 0.5, beta1: 0.8, beta2: 0.9, epsilon: 1e-6 } }, 'softmax_ce', 2],
  ] as const)('%s', (_, config, loss, C) => {
    it.skipIf(!python)(`the script's f and two full-batch steps match the workbench's optimiser (loss ${loss}, C ${C})${config.optimizer === 'sgd' ? ', also data-parallel over 2 processes' : ''}`, () => {
      const graph = chain('small', [
        { kind: 'input', params: { channels: 1, height: 8, width: 8 } },
        { kind: 'conv', params: { filters: 3, size: 3, stride: 1, padding: 1, activation: 'relu' } },
        { kind: 'pool', params: { mode: 'max', size: 2, stride: 2 } },
        { kind: 'fc', params: { units: 3, activation: 'linear' } },
        { kind: 'output', params: { loss, classes: 3, C } },
      ]);
      const pre: Preprocessing = {
        format: 'cnnwb-preprocessing', version: 1, shape: { d: 1, a: 8, b: 8 }, offset: 0, scale: 1 / 255, mean: 'per-pixel',
        meanValues: Array.from({ length: 64 }, (_, v) => 0.4 + 0.1 * Math.cos(v)), standardize: false, stdValues: [],
      };
      const loaded = makeModel(graph, 9, pre);
      const dir = join(root, `train-${config.optimizer}`);
      writeProject(dir, loaded, config);
      const count = 24;
      const random = new Random(31);
      const images = Uint8Array.from({ length: count * 64 }, () => random.int(256));
      const labels = Uint8Array.from({ length: count }, () => random.int(3));
      // IDX images are row-major H x W per image; the vector form's vec of a 1-channel image is column-major.
      writeFileSync(join(dir, 'train-images-idx3-ubyte'), encodeIdxUbyte([count, 8, 8], images));
      writeFileSync(join(dir, 'train-labels-idx1-ubyte'), encodeIdxUbyte([count], labels));
      const out = runScript(dir, ['--data', dir, '--weights', 'weights.json', '--epochs', '2', '--batch-size', '100', '--validation-fraction', '0', '--save', 'trained.json', '--device', 'cpu']);
      const lines = out.trim().split('\n').map((l) => JSON.parse(l));
      expect(lines.map((l) => l.epoch)).toEqual([1, 2]);

      const raw = new Float64Array(count * 64);
      for (let n = 0; n < count; n++) for (let r = 0; r < 8; r++) for (let q = 0; q < 8; q++) raw[n * 64 + r + 8 * q] = images[n * 64 + r * 8 + q];
      const x = Float32Array.from(raw);
      applyPreprocessing(pre, x);
      const network = new Network(loaded.spec, createReferenceBackend(), { batchCapacity: count });
      network.setParameters(loaded.parameters);
      const optimizer = createOptimizer(resolveTrainingConfig(config), network);
      const batch = { x, labels: Int32Array.from(labels), count };
      const fs = [0, 1].map((t) => optimizer.step(network, batch, t).f);
      // train_f of an epoch is f at the weights its (single) step started from
      expect(lines[0].train_f).toBeCloseTo(fs[0], 4);
      expect(lines[1].train_f).toBeCloseTo(fs[1], 4);

      const trained = buildModelFile(graph, network.getParameters(), { preprocessing: pre });
      const expected = torchTensors(loadModel(JSON.parse(JSON.stringify(trained))), moduleNames(loaded.spec));
      const start = torchTensors(loaded, moduleNames(loaded.spec));
      const expectSaved = (saved: Map<string, Float32Array>, what: string) =>
        expected.forEach((t, i) => {
          const moved = maxAbsDiff(t.values, start[i].values);
          if (!t.name.startsWith('preprocess.')) expect(moved, `${t.name} moved`).toBeGreaterThan(1e-4);
          expect(maxAbsDiff(saved.get(t.name)!, t.values), `${what}: ${t.name}`).toBeLessThan(2e-5 + 1e-3 * moved);
        });
      expectSaved(readManifest(join(dir, 'trained.json')), 'one process');

      if (config.optimizer !== 'sgd') return;
      // The same two full-batch steps with the batch split over 2 processes (DistributedDataParallel, gloo on CPU).
      const r = spawnSync(
        python!,
        // --redirects 1 --tee 1: torch 1.13's launcher fails on Python 3.11 with its default "0" (an IntFlag change)
        ['-m', 'torch.distributed.run', '--standalone', '--nproc_per_node=2', '--redirects', '1', '--tee', '1', join(dir, 'train.py'), '--distributed', '--device', 'cpu',
          '--data', dir, '--weights', 'weights.json', '--epochs', '2', '--batch-size', '24', '--validation-fraction', '0', '--save', 'trained-ddp.json'],
        { cwd: dir, encoding: 'utf8', timeout: 240_000, env: { ...process.env, OMP_NUM_THREADS: '1' } },
      );
      if (r.status !== 0) throw new Error(`torchrun exited ${r.status}: ${r.stderr}`);
      expectSaved(readManifest(join(dir, 'trained-ddp.json')), 'two processes');
    });
  });
});
