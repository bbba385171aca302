/**
 * A sweep: a base graph and training settings, the dimensions to vary, how to search them (grid or
 * seeded random), a budget and an early-stopping rule. checkSweep refuses a bad sweep before any
 * run starts, naming the dimension and the value: an unknown setting or node, a value of the
 * wrong type or out of range (resolveTrainingConfig's checks), or a graph a value (or a trial's
 * combination of values) breaks (compileGraph's shape checks).
 */
import { compileGraph } from '../graph/compile';
import type { GraphFile } from '../graph/format';
import type { DataSourceSpec } from '../data/sources';
import { resolveTrainingConfig, TrainingConfigError, type TrainingConfigInput } from '../train/config';
import { applyValue, isNumeric, parseValue, resolveDimension, UnknownDimension, type DimensionTarget, type SweepValue } from './dimensions';
import { expandTrials, type Trial } from './expand';

export interface Dimension {
  /** A training setting (`lr`, `optimizer`, `C`, ...) or `node.param` (`conv1.filters`). */
  name: string;
  /** The values to try (grid: every one; random: drawn from these). */
  values?: SweepValue[];
  /** Random search only: draw uniformly from [lo, hi], or log-uniformly when `log`. */
  range?: { lo: number; hi: number; log: boolean };
}

export type SearchSpec = { kind: 'grid' } | { kind: 'random'; count: number; seed: number };

/**
 * Median stopping: at the end of epoch e >= graceEpochs, a run whose best validation accuracy so
 * far is below the median of the other trials' best validation accuracy by epoch e (counting
 * only trials that reached epoch e, at least minPeers of them) is stopped.
 */
export type EarlyStoppingSpec = { rule: 'none' } | { rule: 'median'; graceEpochs: number; minPeers: number };

export interface SweepBudget {
  /** At most this many trials are run. */
  runs?: number;
  /** No trial starts after the trials' wall time adds up to this, and the running one is stopped then. */
  minutes?: number;
}

export interface SweepSpec {
  graph: GraphFile;
  data: DataSourceSpec;
  resize?: boolean;
  /** 'auto' or a backend name. */
  backend: string;
  /** The settings every trial starts from (TrainingConfigInput, as for `cnnwb train`). */
  settings: TrainingConfigInput;
  dimensions: Dimension[];
  search: SearchSpec;
  budget: SweepBudget;
  earlyStopping: EarlyStoppingSpec;
  /** The experiment the runs are recorded under; default `sweep-<id>`. */
  experiment?: string;
}

export const DEFAULT_EARLY_STOPPING: Extract<EarlyStoppingSpec, { rule: 'median' }> = { rule: 'median', graceEpochs: 1, minPeers: 3 };

/** A refused sweep: `where` names the dimension and value (`lr=-1`) or the option. */
export class SweepSpecError extends Error {
  constructor(
    readonly where: string,
    readonly problem: string,
  ) {
    super(`${where}: ${problem}`);
    this.name = 'SweepSpecError';
  }
}

/** The trial's graph and settings: the base with each of its values written in, in dimension order. */
export function trialInputs(spec: SweepSpec, targets: DimensionTarget[], values: Record<string, SweepValue>): { settings: TrainingConfigInput; graph: GraphFile } {
  let inputs = { settings: spec.settings, graph: spec.graph };
  for (const t of targets) if (t.name in values) inputs = applyValue(t, values[t.name], inputs);
  return inputs;
}

const describeValues = (values: Record<string, SweepValue>) =>
  Object.entries(values)
    .map(([k, v]) => `${k}=${v === null ? 'none' : String(v)}`)
    .join(', ');

/** The first problem of a graph and settings, or null. */
function problemOf(inputs: { settings: TrainingConfigInput; graph: GraphFile }): string | null {
  try {
    resolveTrainingConfig(inputs.settings);
  } catch (e) {
    if (e instanceof TrainingConfigError) return e.message;
    throw e;
  }
  const compiled = compileGraph(inputs.graph);
  return compiled.ok ? null : `the graph breaks: ${compiled.errors[0].message}`;
}

/**
 * Checks the whole sweep and returns its typed dimensions and trials (values parsed from text).
 * Throws SweepSpecError naming the dimension and value (or the option) at the first problem.
 */
export function checkSweep(spec: SweepSpec): { spec: SweepSpec; targets: DimensionTarget[]; trials: Trial[] } {
  const base = problemOf({ settings: spec.settings, graph: spec.graph });
  if (base) throw new SweepSpecError('base', base);
  if (spec.dimensions.length === 0) throw new SweepSpecError('--grid', 'name at least one dimension to vary (name=v1,v2)');
  const seen = new Set<string>();
  const targets: DimensionTarget[] = [];
  const dimensions: Dimension[] = [];
  for (const d of spec.dimensions) {
    if (seen.has(d.name)) throw new SweepSpecError(d.name, 'named twice');
    seen.add(d.name);
    let target: DimensionTarget;
    try {
      target = resolveDimension(d.name, spec.graph);
    } catch (e) {
      if (e instanceof UnknownDimension) throw new SweepSpecError(d.name, e.message);
      throw e;
    }
    targets.push(target);
    const values = (d.values ?? []).map((raw) => {
      let v: SweepValue;
      try {
        v = parseValue(target.type, raw);
      } catch (e) {
        throw new SweepSpecError(`${d.name}=${String(raw)}`, (e as Error).message);
      }
      const problem = problemOf(applyValue(target, v, spec));
      if (problem) throw new SweepSpecError(`${d.name}=${String(raw)}`, problem);
      return v;
    });
    if (d.range) {
      const { lo, hi, log } = d.range;
      const where = `${d.name}=${log ? 'log:' : ''}${lo}..${hi}`;
      if (!isNumeric(target.type)) throw new SweepSpecError(where, 'a range needs a numeric dimension');
      if (spec.search.kind !== 'random') throw new SweepSpecError(where, 'a range needs random search (--random N); a grid takes a list of values');
      if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) throw new SweepSpecError(where, 'expected lo < hi');
      if (log && lo <= 0) throw new SweepSpecError(where, 'a log range needs lo > 0');
      for (const end of [lo, hi]) {
        const problem = problemOf(applyValue(target, target.type === 'int' ? Math.round(end) : end, spec));
        if (problem) throw new SweepSpecError(where, problem);
      }
    } else if (values.length === 0) throw new SweepSpecError(d.name, 'no values (name=v1,v2 or, with --random, name=lo..hi)');
    dimensions.push({ name: d.name, ...(d.range ? { range: d.range } : { values }) });
  }
  const { search, budget, earlyStopping } = spec;
  if (search.kind === 'random') {
    if (!Number.isInteger(search.count) || search.count < 1) throw new SweepSpecError('--random', `expected a number of runs >= 1, got ${search.count}`);
    if (!Number.isSafeInteger(search.seed) || search.seed < 0) throw new SweepSpecError('--seed', `expected a whole number >= 0, got ${search.seed}`);
  }
  if (budget.runs !== undefined && (!Number.isInteger(budget.runs) || budget.runs < 1)) throw new SweepSpecError('--budget-runs', `expected a whole number >= 1, got ${budget.runs}`);
  if (budget.minutes !== undefined && !(Number.isFinite(budget.minutes) && budget.minutes > 0)) throw new SweepSpecError('--budget-minutes', `expected a number > 0, got ${budget.minutes}`);
  if (earlyStopping.rule === 'median' && !(Number.isInteger(earlyStopping.graceEpochs) && earlyStopping.graceEpochs >= 1 && Number.isInteger(earlyStopping.minPeers) && earlyStopping.minPeers >= 1))
    throw new SweepSpecError('--early-stopping', 'median needs graceEpochs >= 1 and minPeers >= 1');
  const checked: SweepSpec = { ...spec, dimensions };
  const trials = expandTrials(checked.dimensions, targets, checked.search);
  // values that pass one by one may still break the graph together (a filter size with a padding)
  for (const t of trials) {
    const problem = problemOf(trialInputs(checked, targets, t.values));
    if (problem) throw new SweepSpecError(describeValues(t.values), problem);
  }
  return { spec: checked, targets, trials };
}
