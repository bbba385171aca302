/** Stored runs through the contract: lists, curves, evaluations, sharing (core/store as JSON). */
import type { GraphFile } from '../graph/format';

export type RunStatusName = 'running' | 'paused' | 'stopped' | 'completed' | 'interrupted' | 'diverged' | 'failed';

export interface RunSummary {
  id: number;
  name: string;
  experiment: string;
  status: RunStatusName;
  statusDetail: string | null;
  startedAt: number;
  endedAt: number | null;
  wallMs: number;
  bestValAccuracy: number | null;
  optimizer: string | null;
  backend: string;
  dataset: string;
  lastStep: number | null;
  lastEpoch: number | null;
  /** Training in this service right now (pause/stop apply). */
  live: boolean;
  /** Can be continued from its latest checkpoint. */
  resumable: boolean;
  /** The sweep and trial (1-based) that recorded it, or null. */
  sweep: { id: number; trial: number } | null;
}

export interface RunStepPoint {
  step: number;
  epoch: number;
  loss: number;
  lr: number;
  stepMs: number;
  imagesPerSec: number;
}

export interface RunEpochPoint {
  epoch: number;
  step: number;
  trainLoss: number;
  trainAccuracy: number;
  valLoss: number | null;
  valAccuracy: number | null;
}

export interface RunEvaluation {
  step: number;
  split: string;
  accuracy: number;
  perClassAccuracy: number[];
  confusion: number[][];
  misclassified: { index: number; predicted: number; actual: number }[];
}

export interface RunDetail {
  summary: RunSummary;
  graph: GraphFile;
  hyperParameters: Record<string, unknown>;
  steps: RunStepPoint[];
  epochs: RunEpochPoint[];
  evaluations: RunEvaluation[];
  checkpointSteps: number[];
}

export interface RunImportResult {
  runIds: number[];
  message: string;
}
