/**
 * A sweep's spec: dimensions by setting name or node.param, values typed and checked, bad sweeps
 * refused naming the dimension and value, grid and seeded random expansion, the median rule.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseGraph } from '../../core/graph/parse';
import { checkSweep, SweepSpecError, trialInputs, type SweepSpec } from '../../core/sweep/spec';
import { medianStoppingDecision, runningBest } from '../../core/sweep/medianStopping';
import { resolveTrainingConfig } from '../../core/train/config';

const TINY = parseGraph(JSON.parse(readFileSync(new URL('../store/fixtures/tiny-graph.json', import.meta.url), 'utf8')));

const spec = (overrides: Partial<SweepSpec>): SweepSpec => ({
  graph: TINY,
  data: 'sample',
  backend: 'js',
  settings: { epochs: 2 },
  dimensions: [],
  search: { kind: 'grid' },
  budget: {},
  earlyStopping: { rule: 'none' },
  ...overrides,
});

function refusal(s: SweepSpec): string {
  try {
    checkSweep(s);
  } catch (e) {
    expect(e).toBeInstanceOf(SweepSpecError);
    return (e as Error).message;
  }
  throw new Error('the sweep was accepted');
}

describe('sweep dimensions', () => {
  it('expands a grid, first dimension slowest, and writes each trial into settings and graph', () => {
    const { trials, targets, spec: checked } = checkSweep(spec({ dimensions: [{ name: 'lr', values: ['0.1', '0.01'] }, { name: 'conv1.filters', values: ['4', '8', '16'] }, { name: 'C', values: ['none', '100'] }] }));
    expect(trials).toHaveLength(12);
    expect(trials[0].values).toEqual({ lr: 0.1, 'conv1.filters': 4, C: null });
    expect(trials[11].values).toEqual({ lr: 0.01, 'conv1.filters': 16, C: 100 });
    const inputs = trialInputs(checked, targets, trials[11].values);
    const config = resolveTrainingConfig(inputs.settings);
    expect([config.sgd.lr, config.adam.lr, config.epochs]).toEqual([0.01, 0.01, 2]);
    expect(inputs.graph.nodes.find((n) => n.id === 'conv1')!.params).toMatchObject({ filters: 16 });
    expect(inputs.graph.nodes.find((n) => n.kind === 'output')!.params).toMatchObject({ C: 100 });
    expect(TINY.nodes.find((n) => n.id === 'conv1')!.params).toMatchObject({ filters: 4 }); // the base is untouched
  });

  it('reads typed values: optimizers, booleans, augmentation, activations', () => {
    const { trials, targets, spec: checked } = checkSweep(
      spec({ dimensions: [{ name: 'optimizer', values: ['adam'] }, { name: 'flip', values: ['true'] }, { name: 'augmentation', values: ['flip+shift2'] }, { name: 'conv1.activation', values: ['tanh'] }, { name: 'batch', values: ['32'] }] }),
    );
    expect(trials).toHaveLength(1);
    const inputs = trialInputs(checked, targets, trials[0].values);
    const c = resolveTrainingConfig(inputs.settings);
    expect([c.optimizer, c.batchSize, c.augmentation.maxShift, c.augmentation.horizontalFlip]).toEqual(['adam', 32, 2, true]);
    expect(inputs.graph.nodes.find((n) => n.id === 'conv1')!.params).toMatchObject({ activation: 'tanh' });
  });

  it('refuses a bad sweep before anything runs, naming the dimension and value', () => {
    expect(refusal(spec({ dimensions: [{ name: 'learning', values: ['1'] }] }))).toMatch(/^learning: not a training setting/);
    expect(refusal(spec({ dimensions: [{ name: 'conv7.filters', values: ['1'] }] }))).toMatch(/^conv7\.filters: the graph has no node "conv7"/);
    expect(refusal(spec({ dimensions: [{ name: 'pool1.filters', values: ['1'] }] }))).toMatch(/^pool1\.filters: a pool node has no parameter "filters"/);
    expect(refusal(spec({ dimensions: [{ name: 'lr', values: ['0.1', '-1'] }] }))).toBe('lr=-1: sgd.lr: expected a number in (0, Infinity], got -1');
    expect(refusal(spec({ dimensions: [{ name: 'epochs', values: ['two'] }] }))).toBe('epochs=two: expected a number');
    expect(refusal(spec({ dimensions: [{ name: 'momentum', values: ['1.5'] }] }))).toMatch(/^momentum=1\.5: sgd\.momentum: expected a number in \[0, 1\)/);
    expect(refusal(spec({ dimensions: [{ name: 'conv1.filters', values: ['0'] }] }))).toMatch(/^conv1\.filters=0: the graph breaks: convolution node "conv1": filters must be/);
    expect(refusal(spec({ dimensions: [{ name: 'conv1.size', values: ['5', '29'] }] }))).toMatch(/^conv1\.size=29: the graph breaks: convolution node "conv1"/);
    // each value fits alone; together they shrink conv1's output below pool1's window
    expect(refusal(spec({ dimensions: [{ name: 'conv1.size', values: ['5', '25'] }, { name: 'conv1.stride', values: ['2', '8'] }] }))).toMatch(/^conv1\.size=25, conv1\.stride=8: the graph breaks: pooling node "pool1"/);
    expect(refusal(spec({ dimensions: [{ name: 'lr', range: { lo: 1e-4, hi: 1e-2, log: true } }] }))).toMatch(/a range needs random search/);
    expect(refusal(spec({ dimensions: [{ name: 'lr', values: ['0.1'] }, { name: 'lr', values: ['0.2'] }] }))).toBe('lr: named twice');
    expect(refusal(spec({ dimensions: [] }))).toMatch(/^--grid: name at least one/);
  });

  it('draws the same random trials from the same seed, other trials from another seed', () => {
    const dims = [{ name: 'lr', range: { lo: 1e-4, hi: 1e-1, log: true } }, { name: 'conv1.filters', range: { lo: 2, hi: 16, log: false } }, { name: 'optimizer', values: ['sgd', 'adam'] }];
    const draw = (seed: number) => checkSweep(spec({ dimensions: dims, search: { kind: 'random', count: 8, seed } })).trials;
    const a = draw(7);
    expect(draw(7)).toEqual(a);
    expect(draw(8)).not.toEqual(a);
    for (const t of a) {
      expect(t.values.lr as number).toBeGreaterThanOrEqual(1e-4);
      expect(t.values.lr as number).toBeLessThanOrEqual(1e-1);
      expect(Number.isInteger(t.values['conv1.filters'])).toBe(true);
      expect(['sgd', 'adam']).toContain(t.values.optimizer);
    }
    // log-uniform: about as many draws below 1e-2.5 as above
    const many = checkSweep(spec({ dimensions: [dims[0]], search: { kind: 'random', count: 400, seed: 1 } })).trials.map((t) => t.values.lr as number);
    const below = many.filter((x) => x < 10 ** -2.5).length;
    expect(below).toBeGreaterThan(150);
    expect(below).toBeLessThan(250);
  });

  it('draws distinct combinations from a finite space while it has them', () => {
    const trials = checkSweep(spec({ dimensions: [{ name: 'lr', values: ['0.1', '0.01'] }, { name: 'batch', values: ['32', '64'] }], search: { kind: 'random', count: 4, seed: 3 } })).trials;
    expect(new Set(trials.map((t) => JSON.stringify(t.values))).size).toBe(4);
  });
});

describe('median stopping', () => {
  const rule = { graceEpochs: 2, minPeers: 3 };
  const peers = [runningBest([0.5, 0.7, 0.8]), runningBest([0.6, 0.65, 0.66]), runningBest([0.4, 0.75, 0.7])];

  it('stops a trial below the median of its peers at the same epoch, after the grace epochs', () => {
    expect(medianStoppingDecision([0.1], peers, rule)).toBeNull(); // within the grace period
    expect(medianStoppingDecision([0.1, 0.6], peers, rule)).toEqual({ epoch: 2, best: 0.6, median: 0.7, peers: 3 });
    expect(medianStoppingDecision([0.1, 0.71], peers, rule)).toBeNull();
    expect(medianStoppingDecision([0.72, 0.3], peers, rule)).toBeNull(); // its best so far counts, not its last
  });

  it('waits for enough peers that reached the epoch', () => {
    expect(medianStoppingDecision([0.1, 0.2], peers.slice(0, 2), rule)).toBeNull();
    expect(medianStoppingDecision([0.1, 0.2, 0.2, 0.2], peers, rule)).toBeNull(); // no peer ran 4 epochs
  });
});
