import { chooseBackend } from '../../core/compute/registry';
import { applyPreprocessing, checkPreprocessing } from '../../core/data/preprocessing';
import { loadDataSource } from '../../core/data/sources';
import { Network } from '../../core/engine/network';
import { evaluateDataset } from '../../core/train/evaluation';
import { parseCommandArgs } from '../args';
import { CliError, type CliIO } from '../io';
import { readModelFile } from './grad';

export const evalUsage = 'cnnwb eval <model.json> --data <path|fashion-mnist|sample> [--split test|train] [--backend NAME] [--resize] [--json]';

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => cell.padStart(widths[c])).join('  ')).join('\n') + '\n';
}

/** Accuracy, per-class accuracy and the confusion matrix of a model on a data set. */
export async function runEval(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    data: { type: 'string' },
    split: { type: 'string', default: 'test' },
    backend: { type: 'string' },
    resize: { type: 'boolean' },
    json: { type: 'boolean' },
  });
  if (positionals.length !== 1 || !values.data) throw new CliError('usage', evalUsage);
  if (values.split !== 'test' && values.split !== 'train') throw new CliError('--split', `expected test or train, got "${values.split}"`);
  const loaded = readModelFile(positionals[0]);
  if (loaded.model.preprocessing === undefined)
    throw new CliError(positionals[0], 'the model has no preprocessing (it was not trained with cnnwb train); evaluation must use the preprocessing the weights were trained with');
  const preprocessing = checkPreprocessing(loaded.model.preprocessing, `${positionals[0]}: preprocessing`);
  let data;
  try {
    data = await loadDataSource(values.data, { split: values.split, expectShape: loaded.spec.input, classes: loaded.spec.classes, resize: values.resize });
  } catch (e) {
    throw new CliError(values.data, (e as Error).message);
  }
  applyPreprocessing(preprocessing, data.x);
  const backend = await chooseBackend(values.backend);
  try {
    const network = new Network(loaded.spec, backend, { batchCapacity: 256 });
    network.setParameters(loaded.parameters);
    const result = evaluateDataset(network, data);
    if (values.json) {
      io.stdout.write(JSON.stringify({ data: data.source, backend: backend.name, ...result }) + '\n');
      return 0;
    }
    const names = data.classNames ?? Array.from({ length: loaded.spec.classes }, (_, c) => String(c));
    io.stdout.write(`${data.source}: ${data.count} images, accuracy ${(100 * result.accuracy).toFixed(2)}%, mean loss ${result.meanLoss.toFixed(4)} (backend ${backend.description})\n\n`);
    io.stdout.write(table([['class', 'accuracy', ...names.map((_, c) => `→${c}`)], ...result.confusion.map((row, c) => [`${c} ${names[c]}`, `${(100 * result.perClassAccuracy[c]).toFixed(1)}%`, ...row.map(String)])]));
    return 0;
  } finally {
    backend.dispose();
  }
}
