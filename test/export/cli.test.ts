import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportUsage, runExport } from '../../cli/commands/export';
import { importUsage, runImport } from '../../cli/commands/import';
import { main, registerCommand } from '../../cli/main';
import { attrInts, OnnxGraphBuilder } from '../../core/export/onnxBuilder';
import { decodeOnnxModel, encodeOnnxModel, ONNX_FLOAT } from '../../core/export/onnxSchema';
import { loadModel } from '../../core/model/modelFile';
import { tempService } from '../service/fixtures';
import { maxAbsDiff } from './helpers';

registerCommand('export', runExport, exportUsage, 'model -> ONNX / PyTorch project');
registerCommand('import', runImport, importUsage, 'ONNX -> model file');

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { code, stdout, stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'cnnwb-export-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const templatePath = new URL('../../resources/templates/lenet5.json', import.meta.url).pathname;

describe('cnnwb export / import', () => {
  it('init -> export --onnx --pytorch -> import gives the same graph and weights', async () => {
    const model = join(dir, 'lenet.json');
    expect((await run(['init', templatePath, '--seed', '3', '--out', model])).code).toBe(0);
    const exported = await run(['export', model, '--onnx', join(dir, 'lenet.onnx'), '--pytorch', join(dir, 'torch')]);
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(/wrote .*lenet\.onnx: ONNX opset 13, input x: N x 1 x 28 x 28, output scores: N x 10/);
    for (const f of ['train.py', 'weights.json', 'weights.bin']) expect(existsSync(join(dir, 'torch', f)), f).toBe(true);

    const back = join(dir, 'back.json');
    const imported = await run(['import', join(dir, 'lenet.onnx'), '--out', back]);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/"LeNet-5", 7 layers, 61706 parameters/);
    expect((await run(['import', join(dir, 'lenet.onnx'), '--out', join(dir, 'squared.json'), '--loss', 'squared', '--C', '600'])).code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'squared.json'), 'utf8')).graph.nodes.at(-1).params).toEqual({ loss: 'squared', classes: 10, C: 600 });
    const a = loadModel(JSON.parse(readFileSync(model, 'utf8')));
    const b = loadModel(JSON.parse(readFileSync(back, 'utf8')));
    expect(b.model.graph).toEqual(a.model.graph);
    a.parameters.forEach((p, i) => expect(maxAbsDiff(p.values, b.parameters[i].values)).toBeLessThan(1e-6));
  });

  it('a graph without weights exports as a PyTorch script only; ONNX asks for a model file', async () => {
    const out = await run(['export', templatePath, '--pytorch', join(dir, 'graph-only'), '--config', writeJson('cfg.json', { optimizer: 'adam', adam: { lr: 0.003 } })]);
    expect(out.code).toBe(0);
    expect(existsSync(join(dir, 'graph-only', 'train.py'))).toBe(true);
    expect(existsSync(join(dir, 'graph-only', 'weights.json'))).toBe(false);
    expect(readFileSync(join(dir, 'graph-only', 'train.py'), 'utf8')).toMatch(/"optimizer": "adam", .*"lr": 0\.003/);
    const onnx = await run(['export', templatePath, '--onnx', join(dir, 'x.onnx')]);
    expect(onnx.code).toBe(2);
    expect(onnx.stderr).toBe(`cnnwb export: ${templatePath}: is a graph without weights: ONNX export needs a model file (cnnwb init or a trained model)\n`);
  });

  it('bad input: one line naming the file, exit 2', async () => {
    expect((await run(['export', templatePath])).stderr).toBe(`cnnwb export: usage: ${exportUsage}\n`);
    const badConfig = await run(['export', templatePath, '--pytorch', join(dir, 'p'), '--config', writeJson('bad.json', { optimizer: 'lbfgs' })]);
    expect(badConfig.code).toBe(2);
    expect(badConfig.stderr).toMatch(/^cnnwb export: .*bad\.json: optimizer: expected sgd, adam or newton, got "lbfgs"\n$/);
    expect((await run(['import', join(dir, 'missing.onnx'), '--out', join(dir, 'm.json')])).stderr).toMatch(/missing\.onnx: no such file\n$/);
    const lenet = JSON.parse(readFileSync(join(dir, 'lenet.json'), 'utf8'));
    lenet.preprocessing = { format: 'cnnwb-preprocessing', version: 1, shape: { d: 3, a: 28, b: 28 }, offset: 0, scale: 1, mean: 'none', meanValues: [], standardize: false, stdValues: [] };
    const wrongPre = writeJson('wrong-pre.json', lenet);
    const pre = await run(['export', wrongPre, '--onnx', join(dir, 'w.onnx')]);
    expect(pre.code).toBe(2);
    expect(pre.stderr).toBe(`cnnwb export: ${wrongPre}: preprocessing.shape: is 3x28x28 but the graph's input is 1x28x28: the preprocessing was fitted on other images\n`);
    expect(existsSync(join(dir, 'w.onnx'))).toBe(false);

    const g = new OnnxGraphBuilder();
    const t = g.node('Conv', 'grouped', ['x', g.floatInitializer('w', [2, 1, 1, 1], [1, 2])], 't', [attrInts('kernel_shape', [1, 1]), { name: 'group', type: 2, i: 2 }]);
    g.node('Resize', 'up', [t], 'y');
    const vi = (name: string, dims: (number | string)[]) => ({ name, type: { tensorType: { elemType: ONNX_FLOAT, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } } });
    const bad = join(dir, 'bad.onnx');
    writeFileSync(bad, encodeOnnxModel({ irVersion: 7, opsetImport: [{ domain: '', version: 13 }], graph: { name: 'g', node: g.nodes, initializer: g.initializers, input: [vi('x', ['N', 2, 3, 3])], output: [vi('y', ['N', 2])] } }));
    expect((await run(['import', join(dir, 'lenet.onnx'), '--out', join(dir, 'x.json'), '--C=-1'])).stderr).toBe('cnnwb import: --C: expected a positive number or none, got "-1"\n');
    const out = join(dir, 'never.json');
    const r = await run(['import', bad, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')).toHaveLength(2);
    expect(r.stderr).toMatch(/^cnnwb import: .*bad\.onnx: not imported, 2 problems: Conv node "grouped": .*group 2 .*; Resize node "up": operator Resize is not supported\n$/);
    expect(existsSync(out)).toBe(false);
  });

  it('an initializer with a negative dimension: one line naming it, exit 2', async () => {
    const model = join(dir, 'neg.json');
    expect((await run(['init', templatePath, '--seed', '3', '--out', model])).code).toBe(0);
    const onnxPath = join(dir, 'neg.onnx');
    expect((await run(['export', model, '--onnx', onnxPath])).code).toBe(0);
    const decoded = decodeOnnxModel(readFileSync(onnxPath));
    const first = decoded.graph!.initializer![0];
    first.dims = [6, -1, 5, 5];
    writeFileSync(onnxPath, encodeOnnxModel(decoded));
    const r = await run(['import', onnxPath, '--out', join(dir, 'neg-back.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`initializer "${first.name}": dimension -1 in dims [6, -1, 5, 5] is not a whole number >= 0`);
    expect(existsSync(join(dir, 'neg-back.json'))).toBe(false);

    // the app's Import dialog: the same problem, naming the initializer, and nothing kept
    const t = tempService();
    try {
      const result = await t.service.importModel(onnxPath);
      expect(result.status).toBe('error');
      if (result.status === 'error') {
        expect(result.problems).toEqual([{ node: first.name, opType: 'initializer', problem: 'dimension -1 in dims [6, -1, 5, 5] is not a whole number >= 0' }]);
        expect(result.message).toContain(`initializer "${first.name}"`);
      }
    } finally {
      t.dispose();
    }
  });
});

function writeJson(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}
