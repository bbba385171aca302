/**
 * A training run in a worker, recorded in a workspace: the run is created when the worker has
 * loaded its data (so the record carries the data's fingerprint and the resolved settings), and
 * every event is written through the run's recorder on this thread, off the training thread.
 * A stored run can be resumed from its latest checkpoint with the same graph, data, settings and
 * backend, continuing bit for bit.
 */
import type { GraphFile } from '../graph/format';
import { parseGraphText } from '../graph/parse';
import type { RunRecorder } from '../store/recorder';
import type { Workspace } from '../store/workspace';
import type { Run } from '../store/records';
import type { TrainingEvent } from '../train/events';
import type { TrainingRequest } from '../train/prepare';
import type { PreparedInfo } from '../train/trainingMessages';
import { startTrainingSession, type TrainingSession, type TrainingSessionResult } from '../train/trainingSession';
import { decodeTrainerCheckpoint } from '../store/trainingEvents';
import type { WorkspaceFault } from '../store/errors';
import { RecordingGuard } from './storeFault';

export interface RecordedTrainingOptions {
  experiment?: string;
  runName?: string;
  onPrepared?: (info: PreparedInfo, runId: number | null) => void;
  onEvent?: (event: TrainingEvent) => void;
}

export interface RecordedTrainingResult extends TrainingSessionResult {
  /** The workspace could not be written (disk full, ...): the run was stopped and marked failed; this says how to resume it. */
  storeFault?: WorkspaceFault;
}

export interface RecordedTraining extends Omit<TrainingSession, 'done'> {
  /** Resolves when the run ends (also after a store fault: see storeFault); rejects when it cannot run. */
  readonly done: Promise<RecordedTrainingResult>;
  /** The run's id in the workspace, once the worker has prepared (null without a workspace). */
  runId(): number | null;
}

/** What a run stores as its hyper-parameters: enough to rebuild the request for a resume. */
interface StoredRequest {
  config: PreparedInfo['config'];
  data: TrainingRequest['data'];
  testData?: TrainingRequest['testData'];
  resize?: boolean;
  chunkSize?: number;
  preprocessing: PreparedInfo['preprocessing'];
  backendDescription: string;
  /** Started from given weights (a model file's), which the run does not keep: it cannot be repeated. */
  fromWeights?: true;
}

export function startRecordedTraining(request: TrainingRequest, workspace: Workspace | null, options: RecordedTrainingOptions = {}): RecordedTraining {
  let recorder: RunRecorder | null = null;
  const guard = workspace ? new RecordingGuard(workspace, () => session.stop()) : null;
  const session: TrainingSession = startTrainingSession(request, {
    onPrepared: (info) => {
      if (workspace && guard) {
        const stored: StoredRequest = { config: info.config, data: request.data, testData: request.testData, resize: request.resize, chunkSize: request.chunkSize, preprocessing: info.preprocessing, backendDescription: info.backendDescription, ...(request.initialParameters ? { fromWeights: true as const } : {}) };
        try {
          recorder = workspace.startRun({
            experiment: options.experiment ?? 'default',
            name: options.runName,
            graph: request.graph,
            hyperParameters: stored as unknown as Record<string, unknown>,
            dataset: { name: info.dataSource, fingerprint: info.dataFingerprint },
            seed: info.config.seed,
            backend: info.backend,
          }, info.config.statsEvery > 0 ? { statsEvery: info.config.statsEvery } : {});
        } catch (e) {
          guard.failed(e, null);
        }
      }
      options.onPrepared?.(info, recorder?.runId ?? null);
    },
    onEvent: (event) => {
      if (recorder && guard) guard.write(recorder, event);
      options.onEvent?.(event);
    },
  });
  return { ...session, done: finished(session, () => recorder, guard), runId: () => recorder?.runId ?? null };
}

/** The session's end as the recorded run sees it: a store fault is reported with the result; a failure marks the run failed. */
function finished(session: TrainingSession, recorder: () => RunRecorder | null, guard: RecordingGuard | null): Promise<RecordedTrainingResult> {
  return session.done.then(
    (result) => (guard?.fault ? { ...result, storeFault: guard.fault } : result),
    (e: Error) => {
      const r = recorder();
      if (r && !r.isFinished) {
        try {
          r.finish('failed', e.message);
        } catch {
          r.failAfterStoreFault(e.message); // what is buffered cannot be written: the status alone
        }
      }
      throw e;
    },
  );
}

/** The request a stored run was trained with: its graph, data, resolved settings and the backend it ran on. */
function storedRequest(run: Run, purpose: string): { request: TrainingRequest; stored: StoredRequest } {
  const stored = run.hyperParameters as unknown as StoredRequest;
  if (!stored.config || stored.data === undefined) throw new Error(`run ${run.id} was not recorded by cnnwb training (no settings to ${purpose} with)`);
  const graph: GraphFile = parseGraphText(run.graphJson);
  return { request: { graph, data: stored.data, testData: stored.testData, resize: stored.resize, chunkSize: stored.chunkSize, config: stored.config, backend: run.backend }, stored };
}

/**
 * Trains a stored run again from scratch, as a new run: the same graph, data, resolved settings
 * (seed included) and backend, so on the same machine it retraces the original step for step
 * (core/runs/reproduction.ts compares the two). The preprocessing is fitted again, as the
 * original fitted it. `epochs` cuts the repeat short to check the first epochs.
 */
export function repeatRecordedTraining(workspace: Workspace, original: Run, options: RecordedTrainingOptions & { epochs?: number } = {}): RecordedTraining {
  const { request, stored } = storedRequest(original, 'repeat');
  if (stored.fromWeights) throw new Error(`run ${original.id} started from a model file's weights, which the workspace does not keep; train again from that file`);
  const config = options.epochs === undefined ? request.config : { ...request.config, epochs: options.epochs };
  const experiment = options.experiment ?? original.experiment;
  return startRecordedTraining({ ...request, config }, workspace, { ...options, experiment, runName: options.runName ?? repeatName(workspace, experiment, original.name) });
}

/** "NAME repeat", or "NAME repeat 2", ... : the first not taken in the experiment. */
function repeatName(workspace: Workspace, experiment: string, name: string): string {
  const taken = new Set(workspace.runs.list({ experiment }).map((r) => r.name));
  for (let k = 1; ; k++) {
    const candidate = k === 1 ? `${name} repeat` : `${name} repeat ${k}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** Continues a stored run from its latest checkpoint, recording into the same run. */
export function resumeRecordedTraining(workspace: Workspace, runId: number, options: Omit<RecordedTrainingOptions, 'experiment' | 'runName'> = {}): RecordedTraining {
  const run = workspace.runs.get(runId);
  if (!run) throw new Error(`no run with id ${runId} in ${workspace.path}`);
  const { request: storedAs, stored } = storedRequest(run, 'resume');
  const { recorder, checkpoint } = workspace.resumeRun(runId);
  const request: TrainingRequest = { ...storedAs, preprocessing: stored.preprocessing, resumeFrom: decodeTrainerCheckpoint(checkpoint) };
  const guard = new RecordingGuard(workspace, () => session.stop());
  const session: TrainingSession = startTrainingSession(request, {
    onPrepared: (info) => options.onPrepared?.(info, runId),
    onEvent: (event) => {
      guard.write(recorder, event);
      options.onEvent?.(event);
    },
  });
  return { ...session, done: finished(session, () => recorder, guard), runId: () => runId };
}
