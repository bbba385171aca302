import type { Network } from '../engine/network';
import type { TrainingConfig } from './config';
import { AdamOptimizer } from './optimizers/adam';
import { NewtonOptimizer } from './optimizers/newton';
import type { Optimizer } from './optimizers/optimizer';
import { SgdOptimizer } from './optimizers/sgd';

export function createOptimizer(config: TrainingConfig, network: Network): Optimizer {
  switch (config.optimizer) {
    case 'sgd':
      return new SgdOptimizer(config.sgd, network);
    case 'adam':
      return new AdamOptimizer(config.adam, network);
    case 'newton':
      return new NewtonOptimizer(config.newton, network, config.seed);
  }
}

/** Instances per update: the mini-batch, or Newton's gradient batch (0 / larger than the data: all of it). */
export function updateBatchSize(config: TrainingConfig, trainCount: number): number {
  const size = config.optimizer === 'newton' ? config.newton.gradientBatch : config.batchSize;
  return size === 0 || size >= trainCount ? trainCount : size;
}
