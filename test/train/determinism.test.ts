/**
 * Same seed, data and backend: the same run, bit for bit — on the fast backend too, whose threads
 * share GEMMs dynamically (and split long inner products such as conv1's dW) while other work
 * competes for the cores.
 */
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { availableBackends, createBackend } from '../../core/compute/registry';
import { loadDataSource } from '../../core/data/sources';
import { Network } from '../../core/engine/network';
import { compileGraph } from '../../core/graph/compile';
import { parseGraphText } from '../../core/graph/parse';
import { resolveTrainingConfig } from '../../core/train/config';
import { createOptimizer } from '../../core/train/createOptimizer';

const spec = compileGraph(parseGraphText(readFileSync('resources/templates/simplenn-3layer.json', 'utf8'))).network!;
const wasm = (await availableBackends()).find((b) => b.name === 'wasm-simd')!;

async function sixSteps(optimizer: 'sgd' | 'adam') {
  const data = await loadDataSource('sample', { split: 'train' });
  const x = Float32Array.from(data.x.subarray(0, 128 * 784), (v) => v / 255 - 0.3);
  const labels = data.labels.subarray(0, 128);
  const backend = await createBackend('wasm-simd');
  try {
    const network = new Network(spec, backend, { batchCapacity: 128 });
    network.initialize(5);
    const step = createOptimizer(resolveTrainingConfig({ optimizer }), network);
    const losses: number[] = [];
    for (let t = 0; t < 6; t++) losses.push(step.step(network, { x, labels, count: 128 }, t).f);
    return { losses, parameters: network.getParameters().map((p) => Array.from(p.values)) };
  } finally {
    backend.dispose();
  }
}

describe.skipIf(!wasm.ok)(`determinism on wasm-simd${wasm.ok ? '' : ` (skipped: ${(wasm as { reason?: string }).reason})`}`, () => {
  it.each(['sgd', 'adam'] as const)('%s: two runs give identical objectives and weights while another thread keeps a core busy', async (optimizer) => {
    // A spinning neighbour makes the threads' shares of each GEMM differ between the runs.
    const busy = new Worker('const end = Date.now() + 60000; while (Date.now() < end);', { eval: true });
    try {
      const a = await sixSteps(optimizer);
      const b = await sixSteps(optimizer);
      expect(b.losses).toEqual(a.losses);
      expect(b.parameters).toEqual(a.parameters);
    } finally {
      await busy.terminate();
    }
  });
});
