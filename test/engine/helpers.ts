import type { ComputeBackend } from '../../core/compute/backend';
import { buildChainGraph, type ChainLayer } from '../../core/graph/chain';
import { compileGraph, type NetworkSpec } from '../../core/graph/compile';
import { Network } from '../../core/engine/network';
import { Random } from '../../core/util/random';

export function specOf(layers: ChainLayer[]): NetworkSpec {
  const result = compileGraph(buildChainGraph('test', layers));
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.network!;
}

export interface Problem {
  network: Network;
  x: Float64Array;
  labels: Int32Array;
  count: number;
}

export function makeProblem(spec: NetworkSpec, backend: ComputeBackend, count: number, capacity = count, seed = 1): Problem {
  const network = new Network(spec, backend, { batchCapacity: capacity });
  network.initialize(seed);
  const random = new Random(seed + 1000);
  const x = new Float64Array(count * network.inputSize);
  for (let j = 0; j < x.length; j++) x[j] = random.normal();
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) labels[i] = random.int(spec.classes);
  return { network, x, labels, count };
}

export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let norm = 0;
  for (let j = 0; j < a.length; j++) {
    diff += (a[j] - b[j]) ** 2;
    norm = Math.max(norm, 0);
  }
  let na = 0;
  let nb = 0;
  for (let j = 0; j < a.length; j++) {
    na += a[j] ** 2;
    nb += b[j] ** 2;
  }
  const scale = Math.max(Math.sqrt(na), Math.sqrt(nb), 1e-300);
  return Math.sqrt(diff) / scale;
}
