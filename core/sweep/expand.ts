/**
 * The trials of a sweep, fixed when the sweep is created (and stored, so a resumed sweep runs the
 * same list): a grid is every combination of the dimensions' values, the first dimension varying
 * slowest; a random search draws `count` trials with a seeded generator (core/util/random), each
 * dimension from its values or its range, distinct combinations while the space has them.
 */
import { Random } from '../util/random';
import type { DimensionTarget, SweepValue } from './dimensions';
import type { Dimension, SearchSpec } from './spec';

export interface Trial {
  /** 0-based position in the sweep. */
  index: number;
  /** Dimension name -> value. */
  values: Record<string, SweepValue>;
}

export function gridTrials(dimensions: Dimension[]): Trial[] {
  let combos: Record<string, SweepValue>[] = [{}];
  for (const d of dimensions) combos = combos.flatMap((c) => (d.values ?? []).map((v) => ({ ...c, [d.name]: v })));
  return combos.map((values, index) => ({ index, values }));
}

/** Four significant digits: a drawn learning rate reads 0.002371, not 0.0023712934. */
const round4 = (x: number) => Number(x.toPrecision(4));

function draw(d: Dimension, target: DimensionTarget, rng: Random): SweepValue {
  if (!d.range) return d.values![rng.int(d.values!.length)];
  const { lo, hi, log } = d.range;
  const u = rng.uniform();
  const x = log ? Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo))) : lo + u * (hi - lo);
  return target.type === 'int' ? Math.round(x) : round4(x);
}

export function randomTrials(dimensions: Dimension[], targets: DimensionTarget[], count: number, seed: number): Trial[] {
  const rng = new Random(seed);
  const finite = dimensions.every((d) => !d.range);
  const spaceSize = finite ? dimensions.reduce((n, d) => n * d.values!.length, 1) : Infinity;
  const seen = new Set<string>();
  const trials: Trial[] = [];
  for (let index = 0; index < count; index++) {
    let values: Record<string, SweepValue> = {};
    for (let attempt = 0; attempt < 1000; attempt++) {
      values = Object.fromEntries(dimensions.map((d, i) => [d.name, draw(d, targets[i], rng)]));
      if (!seen.has(JSON.stringify(values)) || seen.size >= spaceSize) break;
    }
    seen.add(JSON.stringify(values));
    trials.push({ index, values });
  }
  return trials;
}

export function expandTrials(dimensions: Dimension[], targets: DimensionTarget[], search: SearchSpec): Trial[] {
  return search.kind === 'grid' ? gridTrials(dimensions) : randomTrials(dimensions, targets, search.count, search.seed);
}
