import type { Preprocessing } from '../data/preprocessing';
import type { StoredParameter } from './checkpoint';
import type { TrainingConfig } from './config';
import type { TrainingEvent } from './events';
import type { TrainingRequest } from './prepare';
import type { TrainingOutcome } from './trainer';

export interface PreparedInfo {
  config: TrainingConfig;
  preprocessing: Preprocessing;
  dataFingerprint: string;
  dataSource: string;
  backend: string;
  backendDescription: string;
}

export type ParentToWorker = { type: 'start'; request: TrainingRequest } | { type: 'pause' } | { type: 'resume' } | { type: 'stop' };

export type WorkerToParent =
  | { type: 'prepared'; info: PreparedInfo }
  | { type: 'event'; event: TrainingEvent }
  | { type: 'done'; outcome: TrainingOutcome; finalParameters: StoredParameter[] }
  | { type: 'error'; message: string };
