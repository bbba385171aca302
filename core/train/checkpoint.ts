/**
 * Everything needed to continue a run exactly where it stopped: weights, optimizer state, the data
 * order and the random streams, and the best weights kept so far. Plain data (numbers and arrays),
 * so it crosses worker boundaries and serialises to JSON without loss (float32 and float64 values
 * round-trip exactly through JSON numbers).
 */
import type { EpochOrderState } from '../data/split';
import type { RandomState } from '../util/random';
import type { OptimizerState } from './optimizers/optimizer';

export interface StoredParameter {
  layerId: string;
  name: 'W' | 'b';
  values: number[];
}

export interface TrainerCheckpoint {
  /** Updates done so far. */
  step: number;
  /** The epoch the next update belongs to. */
  epoch: number;
  parameters: StoredParameter[];
  optimizer: OptimizerState;
  order: EpochOrderState | null;
  /** The stream that draws epoch permutations and augmentations. */
  random: RandomState;
  best: { accuracy: number; epoch: number; parameters: StoredParameter[] } | null;
  /** The moving average of the weights (config.averageDecay > 0), else null. */
  average: StoredParameter[] | null;
  epochsWithoutImprovement: number;
  elapsedMs: number;
}
