import { describe, expect, it } from 'vitest';
import { EpochOrder, splitTrainValidation } from '../../core/data/split.js';
import { Random } from '../../core/util/random.js';

describe('train/validation split', () => {
  it('splits disjointly and completely, the same way for the same seed', () => {
    const a = splitTrainValidation(100, 0.2, 7);
    expect(a.validation).toHaveLength(20);
    expect(a.train).toHaveLength(80);
    const all = [...a.train, ...a.validation].sort((p, q) => p - q);
    expect(all).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(splitTrainValidation(100, 0.2, 7)).toEqual(a);
    expect(Array.from(splitTrainValidation(100, 0.2, 8).validation)).not.toEqual(Array.from(a.validation));
  });

  it('rejects fractions that leave nothing to train on', () => {
    expect(() => splitTrainValidation(10, 1, 1)).toThrow('validation fraction 1 must lie in [0, 1)');
    expect(() => splitTrainValidation(1, 0.6, 1)).toThrow('a split of 1 instances leaves none for training');
  });
});

describe('epoch order', () => {
  function epoch(order: EpochOrder, batch: Int32Array): number[] {
    const seen: number[] = [];
    do {
      const n = order.next(batch);
      seen.push(...batch.subarray(0, n));
    } while (!order.epochDone);
    return seen;
  }

  it('visits every given index once per epoch, in a new order each epoch', () => {
    const indices = Int32Array.from({ length: 23 }, (_, i) => 100 + i);
    const order = new EpochOrder(indices, new Random(1));
    const batch = new Int32Array(5);
    expect(order.batchesPerEpoch(5)).toBe(5);
    const first = epoch(order, batch);
    expect(order.epoch).toBe(0);
    const second = epoch(order, batch);
    expect(order.epoch).toBe(1);
    expect([...first].sort((p, q) => p - q)).toEqual(Array.from(indices));
    expect([...second].sort((p, q) => p - q)).toEqual(Array.from(indices));
    expect(second).not.toEqual(first);
    expect(first).not.toEqual(Array.from(indices));
  });

  it('resumes exactly from a checkpoint of its state and the Random state', () => {
    const batch = new Int32Array(4);
    const random = new Random(99);
    const order = new EpochOrder(10, random);
    for (let i = 0; i < 4; i++) order.next(batch); // into epoch 1
    const saved = JSON.parse(JSON.stringify({ order: order.getState(), random: random.getState() }));
    const expected: number[] = [];
    for (let i = 0; i < 9; i++) expected.push(...batch.subarray(0, order.next(batch)));

    const resumedRandom = Random.fromState(saved.random);
    const resumed = new EpochOrder(10, new Random(12345));
    resumed.setState(saved.order);
    const replaced = new EpochOrder(10, resumedRandom, saved.order);
    const got: number[] = [];
    for (let i = 0; i < 9; i++) got.push(...batch.subarray(0, replaced.next(batch)));
    expect(got).toEqual(expected);
    expect(replaced.epoch).toBe(order.epoch);
    // the state alone fixes the current epoch's remaining order, whatever the Random
    const rest: number[] = [];
    const firstBatch = resumed.next(batch);
    rest.push(...batch.subarray(0, firstBatch));
    expect(rest).toEqual(expected.slice(0, firstBatch));
    expect(() => resumed.setState({ epoch: 0, position: 11, permutationSeed: 1 })).toThrow('does not fit 10 instances');
  });
});
