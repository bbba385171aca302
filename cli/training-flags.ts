/** The training-setting flags `cnnwb train` and `cnnwb sweep` share, read into a checked TrainingConfigInput. */
import { resolveTrainingConfig, TrainingConfigError, type TrainingConfigInput } from '../core/train/config';
import { CliError } from './io';

/** The flag that sets a config field, so an error names what the user typed. */
export const FLAG_OF_SETTING: Record<string, string> = {
  batchSize: 'batch',
  validationFraction: 'validation',
  statsEvery: 'stats-every',
  'sgd.lr': 'lr',
  'adam.lr': 'lr',
  'sgd.momentum': 'momentum',
  'sgd.decay': 'decay',
  'adam.decay': 'decay',
  'newton.subsampleFraction': 'subsample',
  'newton.gradientBatch': 'gradient-batch',
  'augmentation.maxShift': 'shift',
  averageDecay: 'average',
};

export const TRAINING_FLAGS = {
  optimizer: { type: 'string' },
  epochs: { type: 'string' },
  batch: { type: 'string' },
  lr: { type: 'string' },
  momentum: { type: 'string' },
  decay: { type: 'string' },
  seed: { type: 'string' },
  validation: { type: 'string' },
  'stats-every': { type: 'string' },
  subsample: { type: 'string' },
  'gradient-batch': { type: 'string' },
  shift: { type: 'string' },
  flip: { type: 'boolean' },
  average: { type: 'string' },
} as const;

type FlagValues = { [K in keyof typeof TRAINING_FLAGS]?: (typeof TRAINING_FLAGS)[K]['type'] extends 'boolean' ? boolean : string };

export function numberFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new CliError(`--${flag}`, `expected a number, got "${value}"`);
  return n;
}

const dropUndefined = (o: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined).map(([k, v]) => [k, v && typeof v === 'object' && !Array.isArray(v) ? dropUndefined(v as Record<string, unknown>) : v]));

/** The settings the flags give (unset flags left out, so defaults apply); a bad value is a CliError naming its flag. */
export function settingsFromFlags(values: FlagValues): TrainingConfigInput {
  const number = numberFlag;
  const lr = number('lr', values.lr);
  const config: TrainingConfigInput = {
    optimizer: values.optimizer as TrainingConfigInput['optimizer'],
    epochs: number('epochs', values.epochs),
    batchSize: number('batch', values.batch),
    seed: number('seed', values.seed),
    validationFraction: number('validation', values.validation),
    statsEvery: number('stats-every', values['stats-every']),
    sgd: { lr, momentum: number('momentum', values.momentum), decay: number('decay', values.decay) },
    adam: { lr, decay: number('decay', values.decay) },
    newton: { subsampleFraction: number('subsample', values.subsample), gradientBatch: number('gradient-batch', values['gradient-batch']) },
    augmentation: { maxShift: number('shift', values.shift), horizontalFlip: values.flip },
    averageDecay: number('average', values.average),
  };
  const cleaned = dropUndefined(config as Record<string, unknown>) as TrainingConfigInput;
  try {
    resolveTrainingConfig(cleaned);
  } catch (e) {
    if (e instanceof TrainingConfigError) throw new CliError(`--${FLAG_OF_SETTING[e.field] ?? e.field}`, e.message.slice(e.field.length + 2));
    throw e;
  }
  return cleaned;
}
