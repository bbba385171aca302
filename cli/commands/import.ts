import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { buildModelFile } from '../../core/model/modelFile';
import { importOnnx, OnnxImportError } from '../../core/export/onnxImport';
import { CliError, writeFileAtomic, type CliIO } from '../io';

export const importUsage = 'cnnwb import <file.onnx> --out <model.json>';

/** An ONNX model of supported operators -> a model file (editable graph + weights + preprocessing); all or nothing. */
export async function runImport(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { out: { type: 'string' } } });
  if (positionals.length !== 1 || !values.out) throw new CliError('usage', importUsage);
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
    imported = importOnnx(bytes, path);
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
