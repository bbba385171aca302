/**
 * The records the store keeps, as the trainer hands them in and the UI / CLI reads them back.
 * Times are milliseconds since the Unix epoch. `step` counts the optimizer updates done so far
 * over the whole run (across epochs and across a resume): the first update's metrics are step 1,
 * and a checkpoint at step k holds the state after k updates, so a resume from it continues with
 * step k + 1. Epoch numbers are the trainer's own.
 */

export const RUN_STATUSES = ['running', 'paused', 'stopped', 'completed', 'interrupted', 'diverged', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** Statuses a run can be continued from with resumeRun. */
export const RESUMABLE_STATUSES: readonly RunStatus[] = ['paused', 'stopped', 'interrupted', 'failed'];
/** Statuses a finished run ends in (RunRecorder.finish). */
export type EndStatus = Exclude<RunStatus, 'running' | 'paused' | 'interrupted'>;

export interface Experiment {
  id: number;
  name: string;
  notes: string;
  createdAt: number;
}

/** What identifies the data a run trained on: a name a person reads and a fingerprint of the bytes. */
export interface DatasetIdentity {
  name: string;
  fingerprint: string;
}

/** Everything fixed when a run starts. */
export interface RunSpec {
  /** Experiment name; created when it does not exist yet. */
  experiment: string;
  /** Unique within the experiment; defaults to "run-<n>". */
  name?: string;
  /** The graph file (JSON text or object) exactly as trained. */
  graph: string | object;
  /** Optimizer, learning rate, batch size, epochs, ...: any JSON object. */
  hyperParameters: Record<string, unknown>;
  dataset: DatasetIdentity;
  seed: number;
  /** ComputeBackend.name */
  backend: string;
}

export interface Run {
  id: number;
  /** Globally unique (survives export/import); `id` is local to one workspace. */
  uid: string;
  experimentId: number;
  experiment: string;
  name: string;
  graphJson: string;
  hyperParameters: Record<string, unknown>;
  dataset: DatasetIdentity;
  seed: number;
  backend: string;
  status: RunStatus;
  /** Why it failed / diverged / was interrupted, when known. */
  statusDetail: string | null;
  startedAt: number;
  endedAt: number | null;
  /** Time spent running (pauses and gaps before a resume not counted). */
  wallMs: number;
  bestValAccuracy: number | null;
  /** Gradient / weight statistics are kept every this many steps. */
  statsEvery: number;
  lastStep: number | null;
  lastEpoch: number | null;
}

export interface StepMetric {
  step: number;
  epoch: number;
  loss: number;
  lr: number;
  stepMs: number;
  imagesPerSec: number;
}

export interface EpochMetric {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  valLoss: number | null;
  valAccuracy: number | null;
}

/** The store remembers at which step an epoch ended, so a resume can cut history at a checkpoint. */
export interface StoredEpochMetric extends EpochMetric {
  step: number;
}

export type StatTensor = 'dW' | 'db' | 'W' | 'b';
export const STAT_TENSORS: readonly StatTensor[] = ['dW', 'db', 'W', 'b'];

export interface Histogram {
  /** counts.length + 1 increasing values; bin i holds edges[i] <= x < edges[i+1] (last bin closed). */
  edges: number[];
  counts: number[];
}

export interface TensorStats {
  /** Euclidean norm */
  norm: number;
  mean: number;
  /** population standard deviation */
  std: number;
  min: number;
  max: number;
  histogram: Histogram;
}

export interface LayerStat {
  step: number;
  layerId: string;
  tensor: StatTensor;
  stats: TensorStats;
}

export interface CheckpointInput {
  step: number;
  epoch: number;
  /** The network's parameters, serialised by the trainer. */
  weights: Uint8Array;
  /** Optimizer state (momentum, Adam moments), serialised by the trainer; null for plain SGD. */
  optimizerState: Uint8Array | null;
  /** RNG state, position in the data order, ...: any JSON value, returned as given. */
  trainerState: unknown;
}

export interface CheckpointInfo {
  id: number;
  step: number;
  epoch: number;
  createdAt: number;
  weightsBytes: number;
  optimizerBytes: number;
}

export interface Checkpoint extends CheckpointInfo {
  weights: Uint8Array;
  optimizerState: Uint8Array | null;
  trainerState: unknown;
}

export interface Misclassified {
  /** Index of the instance in the evaluated split. */
  index: number;
  predicted: number;
  actual: number;
}

export interface EvaluationInput {
  step: number;
  /** Which data: 'test', 'validation', ... */
  split: string;
  accuracy: number;
  perClassAccuracy: number[];
  /** confusion[actual][predicted] = count */
  confusion: number[][];
  misclassified: Misclassified[];
}

export interface Evaluation extends EvaluationInput {
  id: number;
  createdAt: number;
}
