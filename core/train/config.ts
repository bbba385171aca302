/** The hyper-parameters of a training run, with defaults and validation that names the field. */
import type { MeanMode } from '../data/preprocessing';

export type OptimizerName = 'sgd' | 'adam' | 'newton';
export const OPTIMIZER_NAMES: readonly OptimizerName[] = ['sgd', 'adam', 'newton'];

export interface SgdSettings {
  /** lr_t = lr / (1 + decay t) */
  lr: number;
  /** mu in v <- mu v - lr_t g */
  momentum: number;
  decay: number;
}

export interface AdamSettings {
  /** lr_t = lr / (1 + decay t), as for SGD */
  lr: number;
  decay: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

export interface NewtonSettings {
  /** Instances per Newton iteration for f and the gradient (0: the whole training set). */
  gradientBatch: number;
  /** Fraction of the gradient batch used for the Gauss-Newton products (simpleNN: 0.05). */
  subsampleFraction: number;
  /** CG stops at ||r|| <= cgTolerance ||g|| or after cgMaxIterations. */
  cgTolerance: number;
  cgMaxIterations: number;
  /** Initial Levenberg-Marquardt damping lambda. */
  lambda: number;
  /** Armijo constant eta in f(theta + alpha d) <= f(theta) + eta alpha g^T d. */
  armijo: number;
}

export interface TrainingConfig {
  optimizer: OptimizerName;
  /** Epochs for SGD/Adam; Newton iterations count as `gradientBatch` instances each. */
  epochs: number;
  batchSize: number;
  seed: number;
  sgd: SgdSettings;
  adam: AdamSettings;
  newton: NewtonSettings;
  /** Fraction of the training data held out for validation. */
  validationFraction: number;
  preprocessing: { scaleToUnit: boolean; mean: MeanMode; standardize: boolean };
  augmentation: { maxShift: number; horizontalFlip: boolean };
  /** Log per-layer gradient/weight statistics every this many steps (0: never). */
  statsEvery: number;
  /** Restore the weights of the best validation accuracy at the end. */
  keepBest: boolean;
  /** Stop after this many epochs without a better validation accuracy (0: never). */
  earlyStoppingPatience: number;
  /**
   * beta of an exponential moving average of the weights, theta_avg <- beta theta_avg + (1 - beta) theta
   * after every update (0: off). Validation, keep-best and the final model use the average; the
   * optimizer goes on from theta.
   */
  averageDecay: number;
}

export const DEFAULT_TRAINING_CONFIG: TrainingConfig = {
  optimizer: 'sgd',
  epochs: 10,
  batchSize: 128,
  seed: 1,
  sgd: { lr: 0.003, momentum: 0.9, decay: 0 },
  adam: { lr: 0.001, decay: 0, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
  newton: { gradientBatch: 0, subsampleFraction: 0.05, cgTolerance: 0.1, cgMaxIterations: 250, lambda: 1, armijo: 1e-4 },
  validationFraction: 0.1,
  preprocessing: { scaleToUnit: true, mean: 'per-pixel', standardize: false },
  augmentation: { maxShift: 0, horizontalFlip: false },
  statsEvery: 50,
  keepBest: true,
  earlyStoppingPatience: 0,
  averageDecay: 0,
};

export type TrainingConfigInput = Partial<Omit<TrainingConfig, 'sgd' | 'adam' | 'newton' | 'preprocessing' | 'augmentation'>> & {
  sgd?: Partial<SgdSettings>;
  adam?: Partial<AdamSettings>;
  newton?: Partial<NewtonSettings>;
  preprocessing?: Partial<TrainingConfig['preprocessing']>;
  augmentation?: Partial<TrainingConfig['augmentation']>;
};

export class TrainingConfigError extends Error {
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`${field}: ${problem}`);
    this.name = 'TrainingConfigError';
  }
}

/** Fills defaults and checks every value; the error names the field. */
export function resolveTrainingConfig(input: TrainingConfigInput = {}): TrainingConfig {
  const d = DEFAULT_TRAINING_CONFIG;
  const c: TrainingConfig = {
    ...d,
    ...input,
    sgd: { ...d.sgd, ...input.sgd },
    adam: { ...d.adam, ...input.adam },
    newton: { ...d.newton, ...input.newton },
    preprocessing: { ...d.preprocessing, ...input.preprocessing },
    augmentation: { ...d.augmentation, ...input.augmentation },
  };
  const int = (field: string, v: number, min: number) => {
    if (!Number.isInteger(v) || v < min) throw new TrainingConfigError(field, `expected a whole number >= ${min}, got ${JSON.stringify(v)}`);
  };
  const num = (field: string, v: number, min: number, max: number, minOpen = false, maxOpen = false) => {
    const ok = typeof v === 'number' && Number.isFinite(v) && (minOpen ? v > min : v >= min) && (maxOpen ? v < max : v <= max);
    if (!ok) throw new TrainingConfigError(field, `expected a number in ${minOpen ? '(' : '['}${min}, ${max}${maxOpen ? ')' : ']'}, got ${JSON.stringify(v)}`);
  };
  if (!['sgd', 'adam', 'newton'].includes(c.optimizer)) throw new TrainingConfigError('optimizer', `expected sgd, adam or newton, got ${JSON.stringify(c.optimizer)}`);
  int('epochs', c.epochs, 1);
  int('batchSize', c.batchSize, 1);
  int('seed', c.seed, 0);
  num('sgd.lr', c.sgd.lr, 0, Infinity, true);
  num('sgd.momentum', c.sgd.momentum, 0, 1, false, true);
  num('sgd.decay', c.sgd.decay, 0, Infinity);
  num('adam.lr', c.adam.lr, 0, Infinity, true);
  num('adam.decay', c.adam.decay, 0, Infinity);
  num('adam.beta1', c.adam.beta1, 0, 1, false, true);
  num('adam.beta2', c.adam.beta2, 0, 1, false, true);
  num('adam.epsilon', c.adam.epsilon, 0, Infinity, true);
  int('newton.gradientBatch', c.newton.gradientBatch, 0);
  num('newton.subsampleFraction', c.newton.subsampleFraction, 0, 1, true);
  num('newton.cgTolerance', c.newton.cgTolerance, 0, 1, true, true);
  int('newton.cgMaxIterations', c.newton.cgMaxIterations, 1);
  num('newton.lambda', c.newton.lambda, 0, Infinity);
  num('newton.armijo', c.newton.armijo, 0, 1, true, true);
  num('validationFraction', c.validationFraction, 0, 1, false, true);
  int('augmentation.maxShift', c.augmentation.maxShift, 0);
  int('statsEvery', c.statsEvery, 0);
  int('earlyStoppingPatience', c.earlyStoppingPatience, 0);
  num('averageDecay', c.averageDecay, 0, 1, false, true);
  return c;
}
