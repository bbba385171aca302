/**
 * The runs this service is training right now: each in its own worker (core/runs recordedTraining),
 * every event recorded in the workspace there and forwarded to the UI as onTrainingEvent.
 * Pause / resume / stop address a run by its id; continueRun resumes a stored run.
 */
import type { StartTrainingRequest, TrainingEventMessage, TrainingStarted, UiTrainingEvent } from '../api/contract';
import { parseGraph } from '../graph/parse';
import { resumeRecordedTraining, startRecordedTraining, type RecordedTraining } from '../runs/recordedTraining';
import type { Workspace } from '../store/workspace';
import { resolveTrainingConfig, type TrainingConfigInput } from '../train/config';
import type { TrainingEvent } from '../train/events';
import type { PreparedInfo } from '../train/trainingMessages';
import type { Preprocessing } from '../data/preprocessing';
import type { InitialWeights } from './model-exchange';

/** Weights given to start from (checked against the graph by the caller; prepare checks the preprocessing). */
function initialFields(initial: InitialWeights | null): { initialParameters?: InitialWeights['initialParameters']; preprocessing?: Preprocessing } {
  if (!initial) return {};
  return { initialParameters: initial.initialParameters, ...(initial.preprocessing ? { preprocessing: initial.preprocessing as Preprocessing } : {}) };
}

/** The trainer's event as the UI gets it: histograms and checkpoint contents stay in the store. */
export function toUiEvent(event: TrainingEvent): UiTrainingEvent {
  switch (event.type) {
    case 'layerStats':
      return { type: 'layerStats', step: event.step, layers: event.layers.map((l) => ({ layerId: l.layerId, tensor: l.tensor, norm: l.stats.norm })) };
    case 'checkpoint':
      return { type: 'checkpoint', step: event.checkpoint.step, epoch: event.checkpoint.epoch };
    case 'evaluation':
      return { type: 'evaluation', step: event.step, split: event.split, accuracy: event.evaluation.accuracy };
    default:
      return event;
  }
}

type TrainingHandlers = { onPrepared: (info: PreparedInfo, runId: number | null) => void; onEvent: (e: TrainingEvent) => void };

export class TrainingManager {
  private readonly live = new Map<number, RecordedTraining>();

  constructor(
    private readonly workspace: Workspace,
    private readonly emit: (message: TrainingEventMessage) => void,
    private readonly runsChanged: (runId: number | null) => void,
  ) {}

  liveRunIds(): number[] {
    return [...this.live.keys()];
  }

  start(request: StartTrainingRequest, initial: InitialWeights | null = null): Promise<TrainingStarted> {
    const graph = parseGraph(request?.graph);
    const settings = (request.settings ?? {}) as TrainingConfigInput;
    resolveTrainingConfig(settings); // a bad setting fails here, naming the field, before a worker starts
    if (request.data === undefined || request.data === null || request.data === '') throw new Error('startTraining: choose the data (sample, fashion-mnist or a path)');
    return this.run((handlers) =>
      startRecordedTraining({ graph, data: request.data, config: settings, backend: request.backend || 'auto', ...initialFields(initial) }, this.workspace, {
        experiment: request.experiment?.trim() || undefined,
        runName: request.runName?.trim() || undefined,
        ...handlers,
      }),
    );
  }

  continueRun(runId: number): Promise<TrainingStarted> {
    if (this.live.has(runId)) throw new Error(`run ${runId} is already training`);
    return this.run((handlers) => resumeRecordedTraining(this.workspace, runId, handlers));
  }

  pause(runId: number): void {
    this.session(runId).pause();
  }

  resume(runId: number): void {
    this.session(runId).resume();
  }

  stop(runId: number): void {
    this.session(runId).stop();
  }

  /** Asks every live run to stop and waits (up to timeoutMs) for their workers to end. */
  async stopAll(timeoutMs = 15_000): Promise<void> {
    const sessions = [...this.live.values()];
    for (const s of sessions) s.stop();
    const ended = Promise.allSettled(sessions.map((s) => s.done));
    await Promise.race([ended, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }

  private session(runId: number): RecordedTraining {
    const session = this.live.get(runId);
    if (!session) throw new Error(`run ${runId} is not training in this workbench`);
    return session;
  }

  private run(begin: (handlers: TrainingHandlers) => RecordedTraining): Promise<TrainingStarted> {
    return this.launch(begin).started;
  }

  /**
   * Starts training as this manager's run (its events forwarded, pause / stop by its id) and
   * gives the training itself too: a sweep awaits its end and stops it by its own rules.
   */
  launch(begin: (handlers: TrainingHandlers) => RecordedTraining): { training: RecordedTraining; started: Promise<TrainingStarted> } {
    let training: RecordedTraining | null = null;
    const started = new Promise<TrainingStarted>((resolve, reject) => {
      let runId: number | null = null;
      const pending: TrainingEvent[] = [];
      const forward = (event: TrainingEvent) => {
        if (runId === null) pending.push(event);
        else this.emit({ runId, event: toUiEvent(event) });
        if (runId !== null && event.type === 'status') this.runsChanged(runId);
      };
      training = begin({
        onPrepared: (info, id) => {
          if (id === null) return;
          runId = id;
          this.live.set(id, training!);
          for (const e of pending.splice(0)) forward(e);
          this.runsChanged(id);
          resolve({ runId: id, backend: info.backend, backendDescription: info.backendDescription, dataSource: info.dataSource });
        },
        onEvent: forward,
      });
      training.done.then(
        (result) => {
          if (runId === null) return reject(result.storeFault ?? new Error('the training ended before it was recorded'));
          this.live.delete(runId);
          const accuracy = result.outcome.evaluation?.accuracy;
          // the workspace could not be written (disk full, ...): the run was stopped and marked failed; say why and how to resume
          if (result.storeFault) this.emit({ runId, event: { type: 'ended', status: 'failed', message: result.storeFault.message, testAccuracy: null } });
          else this.emit({ runId, event: { type: 'ended', status: result.outcome.status, message: result.outcome.message, testAccuracy: accuracy ?? null } });
          this.runsChanged(runId);
        },
        (error: Error) => {
          if (runId === null) return reject(error);
          this.live.delete(runId);
          this.emit({ runId, event: { type: 'ended', status: 'failed', message: error.message, testAccuracy: null } });
          this.runsChanged(runId);
        },
      );
    });
    return { training: training!, started };
  }
}
