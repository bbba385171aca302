/** Sweeps through the contract (core/sweep, docs/sweeps.md): start, stop, continue, read their tables. */
import type { GraphFile } from '../graph/format';
import type { DataSpec, TrainingSettings } from './training';

export interface StartSweepRequest {
  graph: GraphFile;
  data: DataSpec;
  /** The settings every trial starts from (the Train form's). */
  settings: TrainingSettings;
  backend: string;
  /** As typed: `lr=0.01,0.001`, `conv1.filters=16,32`, `lr=log:1e-4..1e-2` (random search). */
  dimensions: string[];
  search: { kind: 'grid' } | { kind: 'random'; count: number; seed: number };
  budget: { runs?: number; minutes?: number };
  earlyStopping: 'median' | 'none';
  experiment?: string;
}

export type SweepStatusName = 'running' | 'stopped' | 'completed' | 'failed';
export type TrialStateName = 'pending' | 'running' | 'finished' | 'pruned' | 'failed' | 'skipped';

export interface SweepSummary {
  id: number;
  experiment: string;
  status: SweepStatusName;
  statusDetail: string | null;
  /** Being run by this service now. */
  live: boolean;
  /** Can be continued (stopped, failed, or interrupted by a crash). */
  resumable: boolean;
  trials: number;
  done: number;
  createdAt: number;
}

/** One trial of a sweep's table. */
export interface SweepTrialRow {
  /** 1-based, as shown. */
  trial: number;
  values: Record<string, string | number | boolean | null>;
  state: TrialStateName;
  runId: number | null;
  runStatus: string | null;
  /** Best validation accuracy of the run (what the sweep compares). */
  valAccuracy: number | null;
  /** Accuracy on the test split, measured once at the run's end (null for a stopped or unfinished run). */
  testAccuracy: number | null;
  epochs: number;
  wallMs: number;
  /** An early stop's numbers ({rule, epoch, best, median, peers}), a failure's error, or a budget's reason. */
  decision: unknown;
}

export interface SweepDetail {
  summary: SweepSummary;
  dimensions: string[];
  search: string;
  earlyStopping: string;
  rows: SweepTrialRow[];
}

/** The names a sweep can vary on the given graph: the settings, and node.param of each node (for the builder's list). */
export interface SweepDimensionChoice {
  name: string;
  describe: string;
}
