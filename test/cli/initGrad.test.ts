import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main';

function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } };
  return main(argv, io).then((code) => ({ code, stdout, stderr }));
}

const dir = mkdtempSync(join(tmpdir(), 'cnnwb-cli-'));
const graphPath = join(dir, 'graph.json');
writeFileSync(
  graphPath,
  JSON.stringify({
    format: 'cnnwb-graph',
    version: 1,
    name: 'tiny',
    nodes: [
      { id: 'in', name: 'in', kind: 'input', params: { channels: 2, height: 5, width: 4 }, position: { x: 0, y: 0 } },
      { id: 'c', name: 'c', kind: 'conv', params: { filters: 3, size: 3, stride: 1, padding: 1, activation: 'tanh' }, position: { x: 0, y: 0 } },
      { id: 'p', name: 'p', kind: 'pool', params: { mode: 'max', size: 2, stride: 2 }, position: { x: 0, y: 0 } },
      { id: 'f', name: 'f', kind: 'fc', params: { units: 3, activation: 'linear' }, position: { x: 0, y: 0 } },
      { id: 'out', name: 'out', kind: 'output', params: { loss: 'softmax_ce', classes: 3, C: 5 }, position: { x: 0, y: 0 } },
    ],
    edges: [
      { id: 'e1', source: 'in', target: 'c' },
      { id: 'e2', source: 'c', target: 'p' },
      { id: 'e3', source: 'p', target: 'f' },
      { id: 'e4', source: 'f', target: 'out' },
    ],
  }),
);
const batchPath = join(dir, 'batch.json');
writeFileSync(batchPath, JSON.stringify({ x: [0, 1, 2].map((i) => Array.from({ length: 40 }, (_, j) => Math.sin(3 * i + j))), y: [0, 2, 1] }));

describe('cnnwb init and grad', () => {
  it('init writes a model whose weights are reproducible from the seed', async () => {
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    expect((await run(['init', graphPath, '--seed', '9', '--out', a])).code).toBe(0);
    expect((await run(['init', graphPath, '--seed', '9', '--out', b])).code).toBe(0);
    expect(readFileSync(a, 'utf8')).toBe(readFileSync(b, 'utf8'));
    const model = JSON.parse(readFileSync(a, 'utf8'));
    expect(model.layers.map((l: { nodeId: string; W: number[][] }) => [l.nodeId, l.W.length, l.W[0].length])).toEqual([
      ['c', 3, 3 * 3 * 2],
      ['f', 3, 3 * 2 * 2],
    ]);
  });

  it('grad prints every layer in order and dW agrees with finite differences of f through the files', async () => {
    const modelPath = join(dir, 'm.json');
    await run(['init', graphPath, '--seed', '4', '--out', modelPath]);
    const out = await run(['grad', modelPath, batchPath]);
    expect(out.code).toBe(0);
    const result = JSON.parse(out.stdout);
    expect(result.layers.map((l: { kind: string }) => l.kind)).toEqual(['conv', 'pool', 'fc']);
    expect(result.layers[0]).toMatchObject({ filterSize: 3, stride: 1, padding: 1, activation: 'tanh' });
    expect(result.layers[1]).toMatchObject({ pooling: 'max', poolSize: 2, poolStride: 2 });
    const model = JSON.parse(readFileSync(modelPath, 'utf8'));
    const eps = 1e-6;
    const fAt = async (layer: number, r: number, c: number, delta: number) => {
      const m = structuredClone(model);
      m.layers[layer].W[r][c] += delta;
      const p = join(dir, 'perturbed.json');
      writeFileSync(p, JSON.stringify(m));
      return JSON.parse((await run(['grad', p, batchPath])).stdout).f as number;
    };
    for (const [layer, entry, r, c] of [[0, 0, 2, 13], [0, 0, 0, 0], [1, 2, 1, 7]] as const) {
      const numeric = ((await fAt(layer, r, c, eps)) - (await fAt(layer, r, c, -eps))) / (2 * eps);
      expect(result.layers[entry].dW[r][c]).toBeCloseTo(numeric, 7);
    }
  });

  it('bad files give one line naming the file and exit code 2', async () => {
    const modelPath = join(dir, 'm2.json');
    await run(['init', graphPath, '--out', modelPath]);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ x: [[1, 2]], y: [0] }));
    let r = await run(['grad', modelPath, bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`cnnwb grad: ${bad}: x[0] should have 40 values (the input's d*a*b), has 2\n`);
    writeFileSync(bad, '{"x": [');
    r = await run(['grad', modelPath, bad]);
    expect(r.stderr).toMatch(new RegExp(`^cnnwb grad: ${bad}: not valid JSON`));
    writeFileSync(bad, JSON.stringify({ x: [Array(40).fill(0)], y: [3] }));
    expect((await run(['grad', modelPath, bad])).stderr).toContain('y[0] = 3 is not a class index in 0..2');
    const model = JSON.parse(readFileSync(modelPath, 'utf8'));
    model.layers[0].W.pop();
    writeFileSync(bad, JSON.stringify(model));
    r = await run(['grad', bad, batchPath]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`cnnwb grad: ${bad}: layers[0].W: expected 3 rows (output channels of "c"), got 2\n`);
    r = await run(['init', join(dir, 'missing.json'), '--out', bad]);
    expect(r.stderr).toBe(`cnnwb init: ${join(dir, 'missing.json')}: no such file\n`);
    const badGraph = JSON.parse(readFileSync(graphPath, 'utf8'));
    badGraph.nodes[1].params.size = 9;
    writeFileSync(bad, JSON.stringify(badGraph));
    r = await run(['init', bad, '--out', join(dir, 'x.json')]);
    expect(r.stderr).toContain('convolution node "c": filter 9x9 is larger than its padded input 7x6');
  });

  it('the installed bin exits 2 with one line on a bad file', () => {
    const r = spawnSync(process.execPath, ['bin/cnnwb.js', 'grad', join(dir, 'none.json'), batchPath], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(execFileSync(process.execPath, ['bin/cnnwb.js', '--help'], { encoding: 'utf8' })).toContain('cnnwb grad <model.json> <batch.json>');
  });
});
