import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { designFromJson, designToOnnx, designToTorch, type Design } from '../../core/export/design';
import { GraphFormatError } from '../../core/graph/parse';
import { ModelFormatError } from '../../core/model/modelFile';
import { resolveTrainingConfig, TrainingConfigError, type TrainingConfig, type TrainingConfigInput } from '../../core/train/config';
import { parseCommandArgs } from '../args';
import { CliError, readJsonFile, writeFileAtomic, type CliIO } from '../io';
import { checkOutputFile, checkOutputFolder } from '../output-paths';

export const exportUsage = 'cnnwb export <model.json | graph.json> [--onnx out.onnx] [--pytorch out-dir/] [--config training.json] [--data idx-dir] [--no-probabilities]';

function readDesign(path: string): Design {
  try {
    return designFromJson(readJsonFile(path));
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

/** Any error of the export itself (no weights, bad preprocessing) as one line naming the model file. */
function naming<T>(path: string, make: () => T): T {
  try {
    return make();
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(path, (e as Error).message);
  }
}

/** Writes a model as ONNX and/or a design as a PyTorch project (train.py, weights.json, weights.bin). */
export async function runExport(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    onnx: { type: 'string' },
    pytorch: { type: 'string' },
    config: { type: 'string' },
    data: { type: 'string' },
    'no-probabilities': { type: 'boolean' },
  });
  if (positionals.length !== 1 || (!values.onnx && !values.pytorch)) throw new CliError('usage', exportUsage);
  if (values.onnx) checkOutputFile(values.onnx, '--onnx');
  if (values.pytorch) checkOutputFolder(values.pytorch, '--pytorch');
  const path = positionals[0];
  const design = readDesign(path);
  if (values.onnx) {
    const bytes = naming(path, () => designToOnnx(design, { probabilities: !values['no-probabilities'] }));
    writeFileAtomic(values.onnx, bytes);
    const { d, a, b } = design.spec.input;
    io.stdout.write(`wrote ${values.onnx}: ONNX opset 13, input x: N x ${d} x ${a} x ${b}, output scores: N x ${design.spec.classes}\n`);
  }
  if (values.pytorch) {
    const config = readConfig(values.config);
    const files = naming(path, () => designToTorch(design, config, values.data));
    mkdirSync(values.pytorch, { recursive: true }); // its parent was checked above
    for (const [name, contents] of files) writeFileAtomic(join(values.pytorch, name), contents);
    io.stdout.write(`wrote ${[...files.keys()].map((f) => join(values.pytorch!, f)).join(', ')}${config.optimizer === 'newton' ? ' (Newton is not exported: the script trains with SGD)' : ''}\n`);
  }
  return 0;
}
