import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphFile, TrainingEventMessage } from '../../core/api/contract';
import { decodeOnnxModel, encodeOnnxModel } from '../../core/export/onnxSchema';
import { decodeTrainerCheckpoint } from '../../core/store/trainingEvents';
import { tempService } from './fixtures';

/** File > Export / Import through the service: a trained run to ONNX and PyTorch, and ONNX back. */
describe('exportModel and importModel', () => {
  let t: ReturnType<typeof tempService>;
  const events: TrainingEventMessage[] = [];
  const until = async (check: () => boolean, ms = 60_000) => {
    const end = Date.now() + ms;
    while (!check()) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const ended = (runId: number) => events.some((e) => e.runId === runId && e.event.type === 'ended');
  const steps = (runId: number) => events.filter((e) => e.runId === runId && e.event.type === 'step').length;
  /** A short run: a few SGD steps on the sample, stopped (which leaves a checkpoint). */
  const shortRun = async (graph: GraphFile, extra: Record<string, unknown> = {}, lr = 0.01) => {
    const { runId } = await t.service.startTraining({ graph, data: 'sample', settings: { epochs: 1, batchSize: 32, sgd: { lr } }, backend: 'auto', ...extra });
    await until(() => steps(runId) >= 3 || ended(runId));
    if (!ended(runId)) await t.service.stopTraining(runId);
    await until(() => ended(runId));
    return runId;
  };
  const checkpointOf = (runId: number) => decodeTrainerCheckpoint(t.workspace!.checkpoints.latest(runId)!);
  let graph: GraphFile;
  let runId = 0;

  beforeAll(async () => {
    t = tempService();
    t.service.events.on('onTrainingEvent', (m) => events.push(m));
    graph = await t.service.getTemplate('simplenn-3layer');
    runId = await shortRun(graph);
  }, 120_000);
  afterAll(async () => {
    await t.close();
    t.dispose();
  });

  it('exports a trained run to ONNX that onnxruntime runs, and imports it back to the same graph and weights', async () => {
    const path = join(t.folder, 'run.onnx');
    const exported = await t.service.exportModel({ format: 'onnx', graph, weights: { kind: 'run', runId }, path });
    expect(exported).toMatchObject({ status: 'exported', format: 'onnx', path, files: [path] });
    if (exported.status !== 'exported') throw new Error('not exported');
    expect(exported.weights).toMatch(/checkpoint at step \d+/);

    const session = await InferenceSession.create(readFileSync(path));
    const out = await session.run({ x: new Tensor('float32', new Float32Array(2 * 28 * 28).fill(128), [2, 1, 28, 28]) });
    expect(out.scores.dims).toEqual([2, 10]);
    expect(Array.from(out.scores.data as Float32Array).every(Number.isFinite)).toBe(true);

    const imported = await t.service.importModel(path);
    expect(imported.status).toBe('imported');
    if (imported.status !== 'imported') throw new Error(imported.status === 'error' ? imported.message : 'cancelled');
    expect(imported.graph).toEqual(graph);
    expect(imported.weights).toMatchObject({ fileName: 'run.onnx', layers: 4, preprocessing: true });
    expect(await t.service.importedWeights()).toEqual(imported.weights);

    // The kept weights are the checkpoint's (stored as float32 in ONNX): export them again as PyTorch and compare.
    const folder = join(t.folder, 'torch-imported');
    const torch = await t.service.exportModel({ format: 'pytorch', graph: imported.graph, weights: { kind: 'imported' }, path: folder });
    expect(torch).toMatchObject({ status: 'exported', weights: 'imported from run.onnx' });
    const manifest = JSON.parse(readFileSync(join(folder, 'weights.json'), 'utf8')) as { tensors: { name: string; offset: number; count: number }[] };
    const values = new Float32Array(readFileSync(join(folder, 'weights.bin')).buffer.slice(0));
    const fc1b = manifest.tensors.find((tensor) => tensor.name === 'fc1.bias')!;
    const stored = checkpointOf(runId).parameters.find((p) => p.layerId === 'fc1' && p.name === 'b')!.values;
    expect(Array.from(values.subarray(fc1b.offset, fc1b.offset + fc1b.count))).toEqual(stored.map(Math.fround));
    expect(stored.some((v) => v !== 0)).toBe(true); // trained: biases moved away from their zero start
  });

  it('exports a PyTorch project with the run weights, and the graph alone without them', async () => {
    const withWeights = join(t.folder, 'torch-run');
    expect(await t.service.exportModel({ format: 'pytorch', graph, weights: { kind: 'run', runId }, path: withWeights })).toMatchObject({ status: 'exported' });
    for (const f of ['train.py', 'weights.json', 'weights.bin']) expect(existsSync(join(withWeights, f))).toBe(true);
    expect(readFileSync(join(withWeights, 'train.py'), 'utf8')).toMatch(/class .*nn\.Module/);

    const alone = join(t.folder, 'torch-graph');
    const result = await t.service.exportModel({ format: 'pytorch', graph, weights: { kind: 'none' }, path: alone });
    expect(result).toMatchObject({ status: 'exported', files: [join(alone, 'train.py')] });
    expect(existsSync(join(alone, 'weights.json'))).toBe(false);
  });

  it('says why an export cannot be made, naming the graph or run, and writes nothing', async () => {
    const path = join(t.folder, 'none.onnx');
    const noWeights = await t.service.exportModel({ format: 'onnx', graph, weights: { kind: 'none' }, path });
    expect(noWeights).toMatchObject({ status: 'error' });
    expect(noWeights.status === 'error' && noWeights.message).toMatch(/ONNX needs weights/);
    const lenet = await t.service.getTemplate('lenet5');
    const misfit = await t.service.exportModel({ format: 'onnx', graph: lenet, weights: { kind: 'run', runId }, path });
    expect(misfit.status === 'error' && misfit.message).toMatch(/weights of run ".*" do not fit the open graph/);
    expect(existsSync(path)).toBe(false);
    expect(await t.service.exportModel({ format: 'onnx', graph, weights: { kind: 'run', runId }, path: null })).toEqual({ status: 'cancelled' });
  });

  it('refuses a bad ONNX file, listing the unsupported nodes, and keeps the imported weights it had', async () => {
    const before = await t.service.importedWeights();
    expect(before).not.toBeNull();
    const good = decodeOnnxModel(readFileSync(join(t.folder, 'run.onnx')));
    const activations = good.graph!.node!.filter((n) => n.opType === 'Relu');
    expect(activations.length).toBeGreaterThanOrEqual(2);
    activations[0].opType = 'Elu';
    activations[1].opType = 'HardSwish';
    const bad = join(t.folder, 'bad.onnx');
    writeFileSync(bad, encodeOnnxModel(good));
    const result = await t.service.importModel(bad);
    expect(result.status).toBe('error');
    if (result.status !== 'error') throw new Error('imported');
    expect(result.fileName).toBe('bad.onnx');
    expect(result.problems.map((p) => [p.node, p.opType])).toEqual([
      [activations[0].name, 'Elu'],
      [activations[1].name, 'HardSwish'],
    ]);
    expect(result.message).toMatch(/^bad\.onnx: not imported, 2 problems: Elu node .*HardSwish node/);

    writeFileSync(join(t.folder, 'garbage.onnx'), 'not a model');
    expect(await t.service.importModel(join(t.folder, 'garbage.onnx'))).toMatchObject({ status: 'error', fileName: 'garbage.onnx', message: expect.stringMatching(/not an ONNX model/) });
    expect(await t.service.importModel(join(t.folder, 'missing.onnx'))).toMatchObject({ status: 'error', message: expect.stringMatching(/missing\.onnx: cannot be read: ENOENT/) });
    expect(await t.service.importedWeights()).toEqual(before);
  });

  it('starts a training run from the imported weights', async () => {
    const imported = checkpointOf(runId).parameters;
    // A learning rate so small the weights cannot move: the new run's checkpoint holds what it started from.
    const fromImported = await shortRun(graph, { initialWeights: 'imported' }, 1e-30);
    const started = checkpointOf(fromImported).parameters;
    expect(started.map((p) => p.layerId)).toEqual(imported.map((p) => p.layerId));
    started.forEach((p, i) => p.values.forEach((v, j) => expect(Math.abs(v - Math.fround(imported[i].values[j]))).toBeLessThan(1e-6)));
    const lenet = await t.service.getTemplate('lenet5');
    await expect(async () => t.service.startTraining({ graph: lenet, data: 'sample', settings: {}, backend: 'auto', initialWeights: 'imported' })).rejects.toThrow(/imported from run\.onnx do not fit this graph: layers: expected 5 entries/);
  }, 120_000);
});
