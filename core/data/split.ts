/**
 * The train/validation split and the order instances are visited in, epoch after epoch. Both
 * draw every random choice from a Random (core/util/random.ts), so a run is reproducible and a
 * checkpoint can restore the exact position.
 */
import { Random } from '../util/random.js';

export interface TrainValidationSplit {
  /** Instance indices, ascending. */
  train: Int32Array;
  validation: Int32Array;
}

/**
 * Splits `count` instances: a random `validationFraction` of them (rounded) for validation, the
 * rest for training. The same seed gives the same split.
 */
export function splitTrainValidation(count: number, validationFraction: number, seed: number): TrainValidationSplit {
  if (!(validationFraction >= 0 && validationFraction < 1)) throw new Error(`validation fraction ${validationFraction} must lie in [0, 1)`);
  const validationCount = Math.round(count * validationFraction);
  if (count - validationCount < 1) throw new Error(`a split of ${count} instances leaves none for training`);
  const order = new Random(seed).shuffle(Int32Array.from({ length: count }, (_, i) => i));
  return {
    validation: order.slice(0, validationCount).sort(),
    train: order.slice(validationCount).sort(),
  };
}

/** What a checkpoint stores to resume the epoch order exactly (with the Random's own state). */
export interface EpochOrderState {
  epoch: number;
  /** How many instances of this epoch have been handed out. */
  position: number;
  /** The seed this epoch's permutation was drawn with. */
  permutationSeed: number;
}

/**
 * Visits the given instance indices in a new random order every epoch. At the start of each
 * epoch a permutation seed is drawn from `random`; the permutation is a Fisher-Yates shuffle
 * by Random(permutationSeed). To resume: restore the Random's state and construct with the
 * saved EpochOrderState (or call setState, which draws nothing).
 */
export class EpochOrder {
  private readonly indices: Int32Array;
  private readonly order: Int32Array;
  private state: EpochOrderState;

  /**
   * A fresh order draws epoch 0's permutation seed from `random` now. To resume from a
   * checkpoint pass its state: then nothing is drawn, so `random` (restored to its checkpointed
   * state) continues exactly where it was.
   */
  constructor(
    indices: Int32Array | number,
    private readonly random: Random,
    resumeFrom?: EpochOrderState,
  ) {
    this.indices = typeof indices === 'number' ? Int32Array.from({ length: indices }, (_, i) => i) : indices.slice();
    if (this.indices.length === 0) throw new Error('an epoch order needs at least one instance');
    this.order = new Int32Array(this.indices.length);
    this.state = { epoch: 0, position: 0, permutationSeed: 0 };
    if (resumeFrom) this.setState(resumeFrom);
    else this.startEpoch(0);
  }

  get size(): number {
    return this.indices.length;
  }

  get epoch(): number {
    return this.state.epoch;
  }

  get position(): number {
    return this.state.position;
  }

  batchesPerEpoch(batchSize: number): number {
    return Math.ceil(this.indices.length / batchSize);
  }

  /**
   * Fills out[0 .. n) with the next instance indices of this epoch and returns n: out.length, or
   * fewer for the last batch of an epoch. When the epoch is used up, the next call starts a new
   * one. Allocates nothing.
   */
  next(out: Int32Array): number {
    if (this.state.position >= this.order.length) this.startEpoch(this.state.epoch + 1);
    const start = this.state.position;
    const n = Math.min(out.length, this.order.length - start);
    for (let j = 0; j < n; j++) out[j] = this.order[start + j];
    this.state.position = start + n;
    return n;
  }

  /** True when every instance of the current epoch has been handed out. */
  get epochDone(): boolean {
    return this.state.position >= this.order.length;
  }

  getState(): EpochOrderState {
    return { ...this.state };
  }

  setState(state: EpochOrderState): void {
    if (!Number.isInteger(state.epoch) || state.epoch < 0 || !Number.isInteger(state.position) || state.position < 0 || state.position > this.order.length) {
      throw new Error(`epoch order state ${JSON.stringify(state)} does not fit ${this.order.length} instances`);
    }
    this.fillPermutation(state.permutationSeed >>> 0);
    this.state = { epoch: state.epoch, position: state.position, permutationSeed: state.permutationSeed >>> 0 };
  }

  private startEpoch(epoch: number): void {
    const permutationSeed = this.random.nextUint32();
    this.fillPermutation(permutationSeed);
    this.state = { epoch, position: 0, permutationSeed };
  }

  private fillPermutation(permutationSeed: number): void {
    this.order.set(this.indices);
    new Random(permutationSeed).shuffle(this.order);
  }
}
