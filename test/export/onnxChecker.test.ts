/**
 * The official ONNX checker (Debian python3-onnx) on exported files: schema, opset, types and shape
 * inference. Where `python3 -c "import onnx"` fails the test is reported as skipped.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Preprocessing } from '../../core/data/preprocessing';
import { exportOnnx } from '../../core/export/onnxExport';
import { chain, makeModel, template } from './helpers';

function findOnnxPython(): string | null {
  const candidates = process.env.CNNWB_PYTHON !== undefined ? [process.env.CNNWB_PYTHON] : ['python3', '/usr/bin/python3'];
  for (const python of candidates) if (python && spawnSync(python, ['-c', 'import onnx'], { stdio: 'ignore', timeout: 60_000 }).status === 0) return python;
  return null;
}

const python = findOnnxPython();
const skipReason = python ? '' : ' [skipped: no python3 that can "import onnx" here; install Debian python3-onnx or set CNNWB_PYTHON]';
if (!python) console.warn(`test/export/onnxChecker.test.ts:${skipReason}`);

const CHECK = `
import json, sys, onnx
from onnx import shape_inference
result = {}
for path in sys.argv[1:]:
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    inferred = shape_inference.infer_shapes(model, strict_mode=True)
    result[path] = {o.name: [d.dim_param or d.dim_value for d in o.type.tensor_type.shape.dim] for o in inferred.graph.output}
print(json.dumps(result))
`;

describe(`ONNX checker${skipReason}`, { timeout: 180_000 }, () => {
  it.skipIf(!python)('accepts every exported file, and shape inference gives N x classes outputs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cnnwb-onnx-check-'));
    const pre: Preprocessing = { format: 'cnnwb-preprocessing', version: 1, shape: { d: 2, a: 6, b: 5 }, offset: 1, scale: 0.5, mean: 'per-pixel', meanValues: Array.from({ length: 60 }, (_, i) => i / 60), standardize: true, stdValues: Array.from({ length: 60 }, (_, i) => 1 + i / 60) };
    const models = {
      'simplenn-3layer': makeModel(template('simplenn-3layer'), 1),
      'simplenn-7layer': makeModel(template('simplenn-7layer'), 2),
      lenet5: makeModel(template('lenet5'), 3),
      mixed: makeModel(
        chain('mixed', [
          { kind: 'input', params: { channels: 2, height: 6, width: 5 } },
          { kind: 'conv', params: { filters: 3, size: 3, stride: 2, padding: 1, activation: 'leaky_relu', leak: 0.1 } },
          { kind: 'activation', params: { fn: 'sigmoid' } },
          { kind: 'fc', params: { units: 4, activation: 'tanh' } },
          { kind: 'conv', params: { filters: 4, size: 1, stride: 1, padding: 0, activation: 'linear' } },
          { kind: 'pool', params: { mode: 'max', size: 1, stride: 1 } },
          { kind: 'output', params: { loss: 'softmax_ce', classes: 4, C: 1 } },
        ]),
        4,
        pre,
      ),
    };
    const paths = Object.entries(models).map(([name, loaded]) => {
      const path = join(dir, `${name}.onnx`);
      writeFileSync(path, exportOnnx(loaded));
      return path;
    });
    try {
      const r = spawnSync(python!, ['-c', CHECK, ...paths], { encoding: 'utf8', timeout: 120_000 });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const outputs = JSON.parse(r.stdout);
      expect(outputs[paths[0]]).toEqual({ scores: ['N', 10] });
      expect(outputs[paths[2]]).toEqual({ scores: ['N', 10], probabilities: ['N', 10] });
      expect(outputs[paths[3]]).toEqual({ scores: ['N', 4], probabilities: ['N', 4] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
