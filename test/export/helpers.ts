import { readFileSync } from 'node:fs';
import { createReferenceBackend } from '../../core/compute/reference/typedArrayBackend';
import type { Preprocessing } from '../../core/data/preprocessing';
import { Network } from '../../core/engine/network';
import { compileGraph } from '../../core/graph/compile';
import { buildChainGraph, type ChainLayer } from '../../core/graph/chain';
import type { GraphFile } from '../../core/graph/format';
import { parseGraph } from '../../core/graph/parse';
import { buildModelFile, loadModel, type LoadedModel } from '../../core/model/modelFile';
import { Random } from '../../core/util/random';

export function template(name: string): GraphFile {
  return parseGraph(JSON.parse(readFileSync(new URL(`../../resources/templates/${name}.json`, import.meta.url), 'utf8')));
}

export function chain(name: string, layers: ChainLayer[]): GraphFile {
  return buildChainGraph(name, layers);
}

/**
 * A model with He-initialised weights and, since He init gives b = 0, biases drawn too so a
 * layout mistake in b shows.
 */
export function makeModel(graph: GraphFile, seed: number, preprocessing?: Preprocessing): LoadedModel {
  const compiled = compileGraph(graph);
  if (!compiled.ok) throw new Error(compiled.errors.map((e) => e.message).join('; '));
  const network = new Network(compiled.network!, createReferenceBackend(), { batchCapacity: 1 });
  network.initialize(seed);
  const random = new Random(seed + 1000);
  const params = network.getParameters().map((p) => (p.name === 'b' ? { ...p, values: Float64Array.from(p.values, () => 0.3 * random.normal()) } : p));
  return loadModel(JSON.parse(JSON.stringify(buildModelFile(graph, params, { seed, preprocessing }))));
}

/** Random raw inputs in vec layout, values in [0, 255) like image bytes when `bytes`. */
export function randomInputs(size: number, count: number, seed: number, bytes = false): Float64Array {
  const random = new Random(seed);
  return Float64Array.from({ length: size * count }, () => (bytes ? Math.floor(random.uniform() * 256) : random.normal()));
}

/** The workbench's scores (classes x count, column-major = count x classes row-major) in float64. */
export function ourScores(loaded: LoadedModel, xVec: Float64Array, count: number): Float64Array {
  const network = new Network(loaded.spec, createReferenceBackend(), { batchCapacity: count });
  network.setParameters(loaded.parameters);
  return Float64Array.from(network.scores(xVec, count));
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}
