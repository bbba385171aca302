import { faultKindOf, WorkspaceFault, type WorkspaceFaultKind } from '../store/errors';
import type { RunRecorder } from '../store/recorder';
import type { Workspace } from '../store/workspace';
import type { TrainingEvent } from '../train/events';
import { recordTrainingEvent } from '../store/trainingEvents';

const WHAT: Record<WorkspaceFaultKind, string> = {
  'disk-full': 'disk full',
  io: 'a write to the disk failed',
  'read-only': 'the workspace became read-only',
  damaged: 'the workspace is damaged',
};

/**
 * Records a run's events until the workspace cannot be written (disk full, I/O error): then the
 * run is stopped, marked failed with its last committed checkpoint, and `fault` says in one line
 * what happened and whether and how the run can be resumed. Training itself is not lost: the
 * caller still gets the final parameters (cnnwb train --out writes them).
 */
export class RecordingGuard {
  fault: WorkspaceFault | null = null;
  private lastStep = 0;

  constructor(
    private readonly workspace: Workspace,
    private readonly stopTraining: () => void,
  ) {}

  write(recorder: RunRecorder, event: TrainingEvent): void {
    if (event.type === 'step') this.lastStep = event.step;
    if (this.fault) return;
    try {
      recordTrainingEvent(recorder, event);
    } catch (e) {
      this.failed(e, recorder);
    }
  }

  /** A store error while recording: throws it again unless it is a fault of the disk or file. */
  failed(e: unknown, recorder: RunRecorder | null): void {
    const kind = faultKindOf(e);
    if (!kind || this.fault) throw e;
    const what = WHAT[kind];
    if (!recorder) {
      this.fault = new WorkspaceFault(this.workspace.path, kind, `${what}: the run could not be recorded; free space and train again`);
    } else {
      const id = recorder.runId;
      const checkpoint = this.workspace.checkpoints.list(id).at(-1) ?? null;
      const detail = checkpoint
        ? `${what} at step ${this.lastStep}; resume from the checkpoint at step ${checkpoint.step} once space is freed`
        : `${what} at step ${this.lastStep}, before the first checkpoint: nothing to resume from`;
      const written = recorder.failAfterStoreFault(detail);
      this.fault = new WorkspaceFault(
        this.workspace.path,
        kind,
        checkpoint
          ? `${what}: run ${id} ${written ? 'failed' : 'stopped'} at step ${this.lastStep}; its last checkpoint (step ${checkpoint.step}) is kept: free space, then resume it (cnnwb train --resume ${id} --db ${this.workspace.path}, or Continue in the app)`
          : `${what}: run ${id} ${written ? 'failed' : 'stopped'} at step ${this.lastStep}, before its first checkpoint, so it cannot be resumed (there is nothing to resume from); free space and train it again`,
      );
    }
    this.stopTraining();
  }
}
