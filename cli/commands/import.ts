import { readFileSync } from 'node:fs';
import { buildModelFile } from '../../core/model/modelFile';
import { importOnnx, OnnxImportError, type OnnxImportOptions } from '../../core/export/onnxImport';
import { parseCommandArgs } from '../args';
import { CliError, writeFileAtomic, type CliIO } from '../io';
import { checkOutputFile } from '../output-paths';

export const importUsage = 'cnnwb import <file.onnx> --out <model.json> [--loss squared|softmax_ce] [--C number|none]';

/**
 * An ONNX model of supported operators -> a model file (editable graph + weights + preprocessing);
 * all or nothing. ONNX has no loss: --loss / --C set the output node's (files the workbench wrote
 * carry theirs).
 */
export async function runImport(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { out: { type: 'string' }, loss: { type: 'string' }, C: { type: 'string' } });
  if (positionals.length !== 1 || !values.out) throw new CliError('usage', importUsage);
  checkOutputFile(values.out, '--out');
  const options: OnnxImportOptions = {};
  if (values.loss !== undefined) {
    if (values.loss !== 'squared' && values.loss !== 'softmax_ce') throw new CliError('--loss', `expected squared or softmax_ce, got "${values.loss}"`);
    options.loss = values.loss;
  }
  if (values.C !== undefined) {
    const C = values.C === 'none' ? null : Number(values.C);
    if (C !== null && !(Number.isFinite(C) && C > 0)) throw new CliError('--C', `expected a positive number or none, got "${values.C}"`);
    options.C = C;
  }
  const path = positionals[0];
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new CliError(path, err.code === 'ENOENT' ? 'no such file' : err.message);
  }
  let imported;
  try {
    imported = importOnnx(bytes, path, options);
  } catch (e) {
    if (e instanceof OnnxImportError) throw new CliError(path, e.detail);
    throw e;
  }
  const { model, spec, parameters } = imported;
  const file = buildModelFile(model.graph, parameters, model.preprocessing ? { preprocessing: model.preprocessing } : {});
  writeFileAtomic(values.out, JSON.stringify(file) + '\n');
  const count = parameters.reduce((n, p) => n + p.values.length, 0);
  io.stdout.write(`wrote ${values.out}: "${model.graph.name}", ${spec.layers.length} layers, ${count} parameters${model.preprocessing ? ', with preprocessing' : ''}\n`);
  return 0;
}
