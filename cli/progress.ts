/** The training progress line: step, loss, images/s and time left; redrawn in place on a terminal. */
import type { TrainingEvent } from '../core/train/events';

function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  const s = Math.round(ms / 1000);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export class ProgressPrinter {
  private totalSteps = 0;
  private firstStep = 1;
  private startedAt = 0;
  private lastDraw = 0;
  private imagesPerSec = 0;

  constructor(
    private readonly out: { write(s: string): unknown; isTTY?: boolean },
    private readonly width = 24,
  ) {}

  handle(e: TrainingEvent): void {
    switch (e.type) {
      case 'started':
        this.totalSteps = e.totalSteps;
        this.firstStep = e.firstStep;
        this.startedAt = performance.now();
        this.out.write(`training ${e.parameterCount} parameters on ${e.trainCount} images (${e.validationCount} for validation), ${e.stepsPerEpoch} steps/epoch, backend ${e.backendDescription}${e.firstStep > 1 ? `, resuming at step ${e.firstStep}` : ''}\n`);
        break;
      case 'step': {
        this.imagesPerSec = this.imagesPerSec === 0 ? e.imagesPerSec : 0.9 * this.imagesPerSec + 0.1 * e.imagesPerSec;
        const now = performance.now();
        if (this.out.isTTY && now - this.lastDraw < 100 && e.step !== this.totalSteps) return;
        this.lastDraw = now;
        if (!this.out.isTTY) return;
        const done = e.step / this.totalSteps;
        const filled = Math.round(done * this.width);
        const perStep = (now - this.startedAt) / Math.max(1, e.step - this.firstStep + 1);
        const eta = perStep * (this.totalSteps - e.step);
        this.out.write(`\r[${'='.repeat(filled)}${' '.repeat(this.width - filled)}] step ${e.step}/${this.totalSteps} epoch ${e.epoch} loss ${e.loss.toFixed(4)} ${Math.round(this.imagesPerSec)} img/s ETA ${duration(eta)}   `);
        break;
      }
      case 'epoch': {
        const val = e.valAccuracy === null ? '' : `, validation loss ${e.valLoss!.toFixed(4)} accuracy ${(100 * e.valAccuracy).toFixed(2)}%`;
        this.out.write(`${this.out.isTTY ? '\r\x1b[K' : ''}epoch ${e.epoch}: train loss ${e.trainLoss.toFixed(4)} accuracy ${(100 * e.trainAccuracy).toFixed(2)}%${val} (${duration(e.epochMs)}, ${Math.round(this.imagesPerSec)} img/s)\n`);
        break;
      }
      case 'status':
        if (e.status === 'paused' || e.status === 'running') break;
        this.out.write(`${this.out.isTTY ? '\r\x1b[K' : ''}${e.status}${e.message ? `: ${e.message}` : ''}\n`);
        break;
      default:
        break;
    }
  }
}
