import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { exportOnnx } from '../../core/export/onnxExport';
import { exportTorch } from '../../core/export/torchExport';
import { compileGraph } from '../../core/graph/compile';
import { GraphFormatError, parseGraph } from '../../core/graph/parse';
import { loadModel, ModelFormatError, type LoadedModel } from '../../core/model/modelFile';
import { resolveTrainingConfig, TrainingConfigError, type TrainingConfig, type TrainingConfigInput } from '../../core/train/config';
import { CliError, readJsonFile, type CliIO } from '../io';

export const exportUsage = 'cnnwb export <model.json | graph.json> [--onnx out.onnx] [--pytorch out-dir/] [--config training.json] [--data idx-dir] [--no-probabilities]';

/** Writes through a temporary file and a rename, so a crash never leaves half a file. */
function writeAtomic(path: string, contents: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, contents);
  renameSync(tmp, path);
}

/** A model file (graph + weights), or a bare graph file (only the PyTorch script can do without weights). */
function readDesign(path: string): { loaded?: LoadedModel; graphName: string; spec: LoadedModel['spec'] } {
  const raw = readJsonFile(path) as Record<string, unknown>;
  try {
    if (raw && typeof raw === 'object' && raw.format === 'cnnwb-graph') {
      const graph = parseGraph(raw);
      const compiled = compileGraph(graph);
      if (!compiled.ok) throw new CliError(path, compiled.errors.map((e) => e.message).join('; '));
      return { graphName: graph.name, spec: compiled.network! };
    }
    const loaded = loadModel(raw);
    return { loaded, graphName: loaded.model.graph.name, spec: loaded.spec };
  } catch (e) {
    if (e instanceof GraphFormatError || e instanceof ModelFormatError) throw new CliError(path, e.message);
    throw e;
  }
}

function readConfig(path: string | undefined): TrainingConfig {
  try {
    return resolveTrainingConfig(path ? (readJsonFile(path) as TrainingConfigInput) : {});
  } catch (e) {
    if (e instanceof TrainingConfigError) throw new CliError(path!, e.message);
    throw e;
  }
}

/** Writes a model as ONNX and/or a design as a PyTorch project (train.py, weights.json, weights.bin). */
export async function runExport(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { onnx: { type: 'string' }, pytorch: { type: 'string' }, config: { type: 'string' }, data: { type: 'string' }, 'no-probabilities': { type: 'boolean' } },
  });
  if (positionals.length !== 1 || (!values.onnx && !values.pytorch)) throw new CliError('usage', exportUsage);
  const path = positionals[0];
  const design = readDesign(path);
  if (values.onnx) {
    if (!design.loaded) throw new CliError(path, 'is a graph without weights: ONNX export needs a model file (cnnwb init or a trained model)');
    let bytes: Uint8Array;
    try {
      bytes = exportOnnx(design.loaded, { probabilities: !values['no-probabilities'] });
    } catch (e) {
      throw new CliError(path, (e as Error).message);
    }
    writeAtomic(values.onnx, bytes);
    io.stdout.write(`wrote ${values.onnx}: ONNX opset 13, input x: N x ${design.spec.input.d} x ${design.spec.input.a} x ${design.spec.input.b}, output scores: N x ${design.spec.classes}\n`);
  }
  if (values.pytorch) {
    const config = readConfig(values.config);
    let files: Map<string, string | Uint8Array>;
    try {
      files = exportTorch({ spec: design.spec, graphName: design.graphName, model: design.loaded, config, dataDir: values.data });
    } catch (e) {
      throw new CliError(path, (e as Error).message);
    }
    mkdirSync(values.pytorch, { recursive: true });
    for (const [name, contents] of files) writeAtomic(join(values.pytorch, name), contents);
    io.stdout.write(`wrote ${[...files.keys()].map((f) => join(values.pytorch!, f)).join(', ')}${config.optimizer === 'newton' ? ' (Newton is not exported: the script trains with SGD)' : ''}\n`);
  }
  return 0;
}
