/** What a training run reports, in order, to whoever drives it (the CLI, the app, the store). */
import type { TensorStats } from '../store/records';
import type { EvaluationResult } from './evaluation';
import type { TrainerCheckpoint } from './checkpoint';

export type TrainingStatus = 'running' | 'paused' | 'stopped' | 'completed' | 'diverged' | 'failed';

export interface StartedEvent {
  type: 'started';
  backend: string;
  backendDescription: string;
  parameterCount: number;
  trainCount: number;
  validationCount: number;
  stepsPerEpoch: number;
  totalSteps: number;
  /** The first step this run will take (> 1 when resumed). */
  firstStep: number;
}

/** Step numbers count updates: the first update is step 1. */
export interface StepEvent {
  type: 'step';
  step: number;
  epoch: number;
  /** mean loss on the batch before the update */
  loss: number;
  /** objective f on the batch before the update */
  f: number;
  accuracy: number;
  lr: number;
  stepMs: number;
  imagesPerSec: number;
}

export interface EpochEvent {
  type: 'epoch';
  epoch: number;
  step: number;
  trainLoss: number;
  trainAccuracy: number;
  valLoss: number | null;
  valAccuracy: number | null;
  epochMs: number;
}

export interface LayerStatsEvent {
  type: 'layerStats';
  step: number;
  layers: { layerId: string; tensor: 'W' | 'b' | 'dW' | 'db'; stats: TensorStats }[];
}

export interface NewtonEvent {
  type: 'newton';
  step: number;
  cgIterations: number;
  alpha: number;
  lambda: number;
  rho: number;
}

export interface CheckpointEvent {
  type: 'checkpoint';
  checkpoint: TrainerCheckpoint;
}

export interface StatusEvent {
  type: 'status';
  status: TrainingStatus;
  message?: string;
}

export interface EvaluationEvent {
  type: 'evaluation';
  step: number;
  split: 'test' | 'validation';
  evaluation: EvaluationResult;
}

export type TrainingEvent = StartedEvent | StepEvent | EpochEvent | LayerStatsEvent | NewtonEvent | CheckpointEvent | StatusEvent | EvaluationEvent;
