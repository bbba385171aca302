/**
 * Training through the contract: what the UI sends to start a run and the events it gets back.
 * These mirror core/train (config.ts, events.ts) and core/data (sources.ts) as plain JSON types,
 * because core/api imports nothing but core/graph; the service checks they stay assignable.
 */
import type { GraphFile } from '../graph/format';
import type { Shape } from '../graph/shape';

/** 'sample', 'fashion-mnist', a path on the machine running the service, or an explicit source. */
export type DataSpec = string | { kind: 'idx'; images: string; labels: string } | { kind: 'csv'; file: string } | { kind: 'images'; folder: string };

export type OptimizerName = 'sgd' | 'adam' | 'newton';

/** The settings the UI may give; every one left out takes core/train's default. */
export interface TrainingSettings {
  optimizer?: OptimizerName;
  epochs?: number;
  batchSize?: number;
  seed?: number;
  sgd?: { lr?: number; momentum?: number; decay?: number };
  adam?: { lr?: number; decay?: number; beta1?: number; beta2?: number; epsilon?: number };
  newton?: { gradientBatch?: number; subsampleFraction?: number; cgTolerance?: number; cgMaxIterations?: number; lambda?: number; armijo?: number };
  validationFraction?: number;
  statsEvery?: number;
  keepBest?: boolean;
  earlyStoppingPatience?: number;
  /** beta of the moving average of the weights used for validation and the final model (0: off) */
  averageDecay?: number;
}

export interface StartTrainingRequest {
  graph: GraphFile;
  data: DataSpec;
  settings: TrainingSettings;
  /** 'auto' or a backend name from listBackends. */
  backend: string;
  runName?: string;
  experiment?: string;
  /** 'imported': start from the weights (and preprocessing) of the last importModel instead of the seeded initialisation. */
  initialWeights?: 'imported';
}

export interface BackendInfo {
  name: string;
  dtype: string;
  ok: boolean;
  reason?: string;
  /** What would run, where the backend knows before creating one (gpujs: mode and GL renderer). */
  description?: string;
}

/** What startTraining answers once the worker has loaded the data and built the network. */
export interface TrainingStarted {
  runId: number;
  /** The backend that actually runs (after 'auto' was resolved) and what it is. */
  backend: string;
  backendDescription: string;
  dataSource: string;
}

export interface DataImage {
  index: number;
  label: number;
  /** a x b grey values 0..255 (the first channel; RGB when d = 3), row-major for drawing. */
  width: number;
  height: number;
  channels: number;
  /** height * width * channels bytes, row-major, channels interleaved. */
  pixels: number[];
}

export interface DataPreview {
  source: string;
  count: number;
  shape: Shape;
  classes: number;
  classNames: string[] | null;
  classCounts: number[];
  images: DataImage[];
}

export type TrainingStatusName = 'running' | 'paused' | 'stopped' | 'completed' | 'diverged' | 'failed';

/** The trainer's events as they reach the UI (a checkpoint only says where it was taken). */
export type UiTrainingEvent =
  | { type: 'started'; backend: string; backendDescription: string; parameterCount: number; trainCount: number; validationCount: number; stepsPerEpoch: number; totalSteps: number; firstStep: number }
  | { type: 'step'; step: number; epoch: number; loss: number; f: number; accuracy: number; lr: number; stepMs: number; imagesPerSec: number }
  | { type: 'epoch'; epoch: number; step: number; trainLoss: number; trainAccuracy: number; valLoss: number | null; valAccuracy: number | null; epochMs: number }
  | { type: 'layerStats'; step: number; layers: { layerId: string; tensor: 'W' | 'b' | 'dW' | 'db'; norm: number }[] }
  | { type: 'newton'; step: number; cgIterations: number; alpha: number; lambda: number; rho: number }
  | { type: 'checkpoint'; step: number; epoch: number }
  | { type: 'status'; status: TrainingStatusName; message?: string }
  | { type: 'evaluation'; step: number; split: 'test' | 'validation'; accuracy: number }
  /** The run's worker has ended (after its last status); no more events for this run. */
  | { type: 'ended'; status: TrainingStatusName; message?: string; testAccuracy: number | null };

export interface TrainingEventMessage {
  runId: number;
  event: UiTrainingEvent;
}
