import { createReferenceBackend } from '../../core/compute/reference/typedArrayBackend';
import { Network } from '../../core/engine/network';
import { compileGraph } from '../../core/graph/compile';
import { GraphFormatError, parseGraph } from '../../core/graph/parse';
import { buildModelFile } from '../../core/model/modelFile';
import { parseCommandArgs } from '../args';
import { CliError, readJsonFile, writeFileAtomic, type CliIO } from '../io';
import { checkOutputFile } from '../output-paths';

export const initUsage = 'cnnwb init <graph.json> [--seed N] --out <model.json>';

/** Validates a graph and writes a model file with He-initialised weights from the seed. */
export async function runInit(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { seed: { type: 'string', default: '1' }, out: { type: 'string' } });
  if (positionals.length !== 1 || !values.out) throw new CliError('usage', initUsage);
  const seed = Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new CliError('--seed', `expected a whole number >= 0, got "${values.seed}"`);
  checkOutputFile(values.out, '--out');
  const path = positionals[0];
  const graph = readGraphFile(path);
  const compiled = compileGraph(graph);
  if (!compiled.ok) throw new CliError(path, compiled.errors.map((e) => e.message).join('; '));
  const network = new Network(compiled.network!, createReferenceBackend(), { batchCapacity: 1 });
  network.initialize(seed);
  writeFileAtomic(values.out, JSON.stringify(buildModelFile(graph, network.getParameters(), { seed })) + '\n');
  io.stdout.write(`wrote ${values.out}: ${compiled.totals.paramCount} parameters, seed ${seed}\n`);
  return 0;
}

export function readGraphFile(path: string) {
  try {
    return parseGraph(readJsonFile(path));
  } catch (e) {
    if (e instanceof GraphFormatError) throw new CliError(path, e.message);
    throw e;
  }
}
