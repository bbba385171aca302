import { createReferenceBackend } from '../../core/compute/reference/typedArrayBackend';
import { Network, type ParameterValues } from '../../core/engine/network';
import type { LayerSpec } from '../../core/graph/compile';
import { loadModel, ModelFormatError, toRows, type LoadedModel } from '../../core/model/modelFile';
import { parseCommandArgs } from '../args';
import { CliError, readJsonFile, type CliIO } from '../io';

export const gradUsage = 'cnnwb grad <model.json> <batch.json>';

/** Reads {"x": [[...]], "y": [...]} and checks it against the network's input size and classes. */
function readBatch(path: string, inputSize: number, classes: number): { x: Float64Array; y: Int32Array } {
  const raw = readJsonFile(path) as Record<string, unknown>;
  if (typeof raw !== 'object' || raw === null || !Array.isArray(raw.x) || !Array.isArray(raw.y))
    throw new CliError(path, 'expected {"x": [[one row per instance]], "y": [labels]}');
  if (raw.x.length === 0) throw new CliError(path, 'x has no instances');
  if (raw.x.length !== raw.y.length) throw new CliError(path, `x has ${raw.x.length} instances but y has ${raw.y.length} labels`);
  const x = new Float64Array(raw.x.length * inputSize);
  raw.x.forEach((row: unknown, i: number) => {
    if (!Array.isArray(row) || row.length !== inputSize) throw new CliError(path, `x[${i}] should have ${inputSize} values (the input's d*a*b), has ${Array.isArray(row) ? row.length : typeof row}`);
    row.forEach((v: unknown, j: number) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new CliError(path, `x[${i}][${j}] is not a finite number (${JSON.stringify(v)})`);
      x[i * inputSize + j] = v;
    });
  });
  const y = new Int32Array(raw.y.length);
  raw.y.forEach((v: unknown, i: number) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= classes) throw new CliError(path, `y[${i}] = ${JSON.stringify(v)} is not a class index in 0..${classes - 1}`);
    y[i] = v;
  });
  return { x, y };
}

export function readModelFile(path: string): LoadedModel {
  try {
    return loadModel(readJsonFile(path));
  } catch (e) {
    if (e instanceof ModelFormatError) throw new CliError(path, e.message);
    throw e;
  }
}

function hyperParameters(layer: LayerSpec): Record<string, unknown> {
  switch (layer.kind) {
    case 'conv':
      return { filters: layer.filters, filterSize: layer.size, stride: layer.stride, padding: layer.padding, activation: layer.activation, ...(layer.activation === 'leaky_relu' ? { leak: layer.leak } : {}) };
    case 'fc':
      return { units: layer.units, activation: layer.activation, ...(layer.activation === 'leaky_relu' ? { leak: layer.leak } : {}) };
    case 'pool':
      return { pooling: layer.mode, poolSize: layer.size, poolStride: layer.stride };
    case 'activation':
      return { activation: layer.activation, ...(layer.activation === 'leaky_relu' ? { leak: layer.leak } : {}) };
  }
}

/** Prints f, the mean loss and every layer's W, b, dW, db (float64, vector-form layout) as JSON. */
export async function runGrad(argv: string[], io: CliIO): Promise<number> {
  const { positionals } = parseCommandArgs(argv, {});
  if (positionals.length !== 2) throw new CliError('usage', gradUsage);
  const loaded = readModelFile(positionals[0]);
  const network = new Network(loaded.spec, createReferenceBackend(), { batchCapacity: 256 });
  network.setParameters(loaded.parameters);
  const { x, y } = readBatch(positionals[1], network.inputSize, network.classes);
  const value = network.objectiveAndGradient(x, y, y.length);
  const params = network.getParameters();
  const grads = network.getGradients();
  const byLayer = new Map<string, { W: ParameterValues; b: ParameterValues; dW: ParameterValues; db: ParameterValues }>();
  for (let t = 0; t < params.length; t += 2) byLayer.set(params[t].layerId, { W: params[t], b: params[t + 1], dW: grads[t], db: grads[t + 1] });
  const layers = loaded.spec.layers.map((layer) => {
    const p = byLayer.get(layer.nodeId);
    const entry: Record<string, unknown> = { nodeId: layer.nodeId, name: layer.name, kind: layer.kind, ...hyperParameters(layer) };
    if (p) {
      entry.W = toRows(p.W.values, p.W.rows, p.W.cols);
      entry.b = Array.from(p.b.values);
      entry.dW = toRows(p.dW.values, p.dW.rows, p.dW.cols);
      entry.db = Array.from(p.db.values);
    }
    return entry;
  });
  io.stdout.write(JSON.stringify({ f: value.f, meanLoss: value.meanLoss, count: y.length, loss: loaded.spec.loss, C: loaded.spec.C, layers }) + '\n');
  return 0;
}
