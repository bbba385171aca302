/**
 * The training loop: draws batches in a seeded order, lets the optimizer update the network, and
 * reports steps, epochs, layer statistics, checkpoints and the final evaluation as events. It
 * awaits between steps, so pause / resume / stop (and a worker's messages) are handled promptly;
 * stop finishes the current step and leaves a consistent, resumable state.
 */
import type { Tensor } from '../compute/backend';
import { copyBatch, type Dataset } from '../data/dataset';
import { Augmenter } from '../data/augment';
import { EpochOrder } from '../data/split';
import type { Network, ParameterValues } from '../engine/network';
import { computeTensorStats } from '../store/tensorStats';
import { Random } from '../util/random';
import type { TrainerCheckpoint, StoredParameter } from './checkpoint';
import type { TrainingConfig } from './config';
import { createOptimizer, updateBatchSize } from './createOptimizer';
import { evaluateDataset, type EvaluationResult } from './evaluation';
import type { LayerStatsEvent, TrainingEvent, TrainingStatus } from './events';
import { NewtonOptimizer } from './optimizers/newton';
import type { Batch, Optimizer } from './optimizers/optimizer';
import { ParameterSpace } from './optimizers/parameterVectors';

export interface TrainerOptions {
  /** Initialised (or loaded) network; its capacity bounds the chunk size. */
  network: Network;
  config: TrainingConfig;
  /** Preprocessed training instances (the validation part already split off). */
  train: Dataset;
  validation: Dataset | null;
  test: Dataset | null;
  onEvent: (event: TrainingEvent) => void;
  resumeFrom?: TrainerCheckpoint;
}

export interface TrainingOutcome {
  status: TrainingStatus;
  message?: string;
  steps: number;
  epochsCompleted: number;
  evaluation: EvaluationResult | null;
  lastCheckpoint: TrainerCheckpoint | null;
}

const now = () => performance.now();
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export function storedParameters(values: readonly ParameterValues[]): StoredParameter[] {
  return values.map((p) => ({ layerId: p.layerId, name: p.name, values: Array.from(p.values) }));
}

export function parameterValues(network: Network, stored: readonly StoredParameter[]): ParameterValues[] {
  return network.parameters.map((p, i) => ({ layerId: stored[i].layerId, name: stored[i].name, rows: p.rows, cols: p.cols, values: Float64Array.from(stored[i].values) }));
}

export class Trainer {
  private readonly network: Network;
  private readonly config: TrainingConfig;
  private readonly optimizer: Optimizer;
  private readonly random: Random;
  private readonly order: EpochOrder | null;
  private readonly augmenter: Augmenter | null;
  private readonly batchSize: number;
  private readonly stepsPerEpoch: number;
  private readonly totalSteps: number;
  private readonly space: ParameterSpace;
  /** Weights of the last step whose objective was finite, and the scratch copy of the current ones. */
  private lastGood: Tensor[];
  private current: Tensor[];
  /** theta_avg (config.averageDecay > 0), and where theta waits while theta_avg is evaluated. */
  private readonly average: Tensor[] | null;
  private readonly heldWeights: Tensor[] | null;
  private readonly batch: Batch;
  private readonly indices: Int32Array;
  private step = 0;
  private best: TrainerCheckpoint['best'] = null;
  private epochsWithoutImprovement = 0;
  private elapsedBefore = 0;
  private paused = false;
  private stopRequested = false;
  private wake: (() => void) | null = null;

  constructor(private readonly options: TrainerOptions) {
    const { network, config, train } = options;
    this.network = network;
    this.config = config;
    this.optimizer = createOptimizer(config, network);
    this.space = new ParameterSpace(network);
    this.lastGood = this.space.allocate();
    this.current = this.space.allocate();
    this.batchSize = updateBatchSize(config, train.count);
    const fullBatch = this.batchSize >= train.count;
    this.stepsPerEpoch = fullBatch ? 1 : Math.ceil(train.count / this.batchSize);
    this.totalSteps = this.stepsPerEpoch * config.epochs;
    const resume = options.resumeFrom;
    this.random = resume ? Random.fromState(resume.random) : new Random(config.seed ^ 0x0d47a);
    this.order = fullBatch ? null : new EpochOrder(train.count, this.random, resume?.order ?? undefined);
    const aug = config.augmentation;
    this.augmenter = !fullBatch && (aug.maxShift > 0 || aug.horizontalFlip) ? new Augmenter(train.shape, aug) : null;
    this.indices = new Int32Array(this.batchSize);
    this.batch = fullBatch
      ? { x: train.x, labels: train.labels, count: train.count }
      : { x: new Float32Array(this.batchSize * network.inputSize), labels: new Int32Array(this.batchSize), count: 0 };
    if (resume) {
      network.setParameters(parameterValues(network, resume.parameters));
      this.optimizer.setState(resume.optimizer);
      this.step = resume.step;
      this.best = resume.best;
      this.epochsWithoutImprovement = resume.epochsWithoutImprovement;
      this.elapsedBefore = resume.elapsedMs;
    }
    this.average = config.averageDecay > 0 ? this.space.allocate() : null;
    this.heldWeights = config.averageDecay > 0 ? this.space.allocate() : null;
    if (this.average) {
      if (resume?.average) this.space.write(this.average, resume.average);
      else this.space.copy(this.space.values, this.average);
    }
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.wake?.();
  }

  stop(): void {
    this.stopRequested = true;
    this.wake?.();
  }

  private emit(event: TrainingEvent): void {
    this.options.onEvent(event);
  }

  private epochOfStep(step: number): number {
    return Math.floor(step / this.stepsPerEpoch);
  }

  /** Fills the batch buffers with the next instances of the epoch order (and augments them). */
  private nextBatch(): Batch {
    if (!this.order) return this.batch;
    const n = this.order.next(this.indices);
    copyBatch(this.options.train, this.indices, this.batch.x, this.batch.labels, n);
    this.batch.count = n;
    if (this.augmenter) this.augmenter.apply(this.batch.x, n, this.random);
    return this.batch;
  }

  checkpoint(startedAt: number): TrainerCheckpoint {
    return {
      step: this.step,
      epoch: this.epochOfStep(this.step),
      parameters: storedParameters(this.network.getParameters()),
      optimizer: this.optimizer.getState(),
      order: this.order ? this.order.getState() : null,
      random: this.random.getState(),
      best: this.best,
      average: this.average ? storedParameters(this.space.read(this.average)) : null,
      epochsWithoutImprovement: this.epochsWithoutImprovement,
      elapsedMs: this.elapsedBefore + (now() - startedAt),
    };
  }

  /** Runs `use` with the network holding theta_avg when weights are averaged (theta is put back after). */
  private withAverageWeights<T>(use: () => T): T {
    if (!this.average) return use();
    this.space.copy(this.space.values, this.heldWeights!);
    this.space.copy(this.average, this.space.values);
    try {
      return use();
    } finally {
      this.space.copy(this.heldWeights!, this.space.values);
    }
  }

  private layerStats(): LayerStatsEvent {
    const be = this.network.backend;
    const gradient = this.optimizer.lastGradient(this.network);
    const layers: LayerStatsEvent['layers'] = [];
    this.network.parameters.forEach((p, i) => {
      layers.push({ layerId: p.layerId, tensor: p.name === 'W' ? 'dW' : 'db', stats: computeTensorStats(be.read(gradient[i], p.length)) });
      layers.push({ layerId: p.layerId, tensor: p.name, stats: computeTensorStats(be.read(p.value, p.length)) });
    });
    return { type: 'layerStats', step: this.step, layers };
  }

  async run(): Promise<TrainingOutcome> {
    const startedAt = now();
    const { train, validation, test } = this.options;
    this.emit({
      type: 'started',
      backend: this.network.backend.name,
      backendDescription: this.network.backend.description,
      parameterCount: this.network.parameterCount,
      trainCount: train.count,
      validationCount: validation?.count ?? 0,
      stepsPerEpoch: this.stepsPerEpoch,
      totalSteps: this.totalSteps,
      firstStep: this.step + 1,
    });
    this.emit({ type: 'status', status: 'running' });
    let status: TrainingStatus = 'completed';
    let message: string | undefined;
    let lastCheckpoint: TrainerCheckpoint | null = null;
    let epochLoss = 0;
    let epochCorrect = 0;
    let epochCount = 0;
    let epochStart = now();
    this.space.copy(this.space.values, this.lastGood);

    while (this.step < this.totalSteps) {
      if (this.paused && !this.stopRequested) {
        this.emit({ type: 'status', status: 'paused' });
        lastCheckpoint = this.checkpoint(startedAt);
        this.emit({ type: 'checkpoint', checkpoint: lastCheckpoint });
        while (this.paused && !this.stopRequested) await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = null;
        if (!this.stopRequested) this.emit({ type: 'status', status: 'running' });
      }
      if (this.stopRequested) {
        status = 'stopped';
        break;
      }
      const batch = this.nextBatch();
      this.space.copy(this.space.values, this.current);
      const t0 = now();
      const result = this.optimizer.step(this.network, batch, this.step);
      const stepMs = now() - t0;
      if (!Number.isFinite(result.f)) {
        // The weights this step started from give a non-finite objective: go back to the last
        // weights whose objective was finite.
        this.space.copy(this.lastGood, this.space.values);
        status = 'diverged';
        message = `the objective became ${result.f} at step ${this.step + 1} (epoch ${this.epochOfStep(this.step) + 1}); training stopped and the last weights with a finite objective were kept. Try a smaller learning rate.`;
        break;
      }
      [this.lastGood, this.current] = [this.current, this.lastGood];
      this.step++;
      if (this.average) this.space.axpby(1 - this.config.averageDecay, this.space.values, this.config.averageDecay, this.average);
      epochLoss += result.meanLoss * batch.count;
      epochCorrect += result.correct;
      epochCount += batch.count;
      const epoch = this.epochOfStep(this.step - 1);
      this.emit({ type: 'step', step: this.step, epoch: epoch + 1, loss: result.meanLoss, f: result.f, accuracy: result.correct / batch.count, lr: result.lr, stepMs, imagesPerSec: (batch.count * 1000) / stepMs });
      if (this.optimizer instanceof NewtonOptimizer && this.optimizer.lastStep) this.emit({ type: 'newton', step: this.step, ...this.optimizer.lastStep });
      if (this.config.statsEvery > 0 && (this.step % this.config.statsEvery === 0 || this.step === 1)) this.emit(this.layerStats());

      if (this.step % this.stepsPerEpoch === 0) {
        const val = validation && validation.count > 0 ? this.withAverageWeights(() => this.network.evaluate(validation.x, validation.labels, validation.count)) : null;
        const valAccuracy = val ? val.correct / validation!.count : null;
        this.emit({ type: 'epoch', epoch: epoch + 1, step: this.step, trainLoss: epochLoss / epochCount, trainAccuracy: epochCorrect / epochCount, valLoss: val ? val.meanLoss : null, valAccuracy, epochMs: now() - epochStart });
        epochLoss = epochCorrect = epochCount = 0;
        epochStart = now();
        if (valAccuracy !== null) {
          if (!this.best || valAccuracy > this.best.accuracy) {
            const validated = this.average ?? this.space.values;
            this.best = { accuracy: valAccuracy, epoch: epoch + 1, parameters: this.config.keepBest ? storedParameters(this.space.read(validated)) : [] };
            this.epochsWithoutImprovement = 0;
          } else {
            this.epochsWithoutImprovement++;
          }
        }
        lastCheckpoint = this.checkpoint(startedAt);
        this.emit({ type: 'checkpoint', checkpoint: lastCheckpoint });
        const patience = this.config.earlyStoppingPatience;
        if (patience > 0 && this.epochsWithoutImprovement >= patience && this.step < this.totalSteps) {
          message = `early stopping: no better validation accuracy for ${patience} epochs (best ${(100 * this.best!.accuracy).toFixed(2)}% at epoch ${this.best!.epoch})`;
          break;
        }
      }
      await nextTurn();
    }

    if (status === 'stopped' && (!lastCheckpoint || lastCheckpoint.step !== this.step)) {
      lastCheckpoint = this.checkpoint(startedAt);
      this.emit({ type: 'checkpoint', checkpoint: lastCheckpoint });
    }
    let evaluation: EvaluationResult | null = null;
    if (status !== 'stopped') {
      if (this.average && status === 'completed') this.space.copy(this.average, this.space.values);
      if (this.config.keepBest && this.best && this.best.parameters.length > 0) {
        const finalVal = validation ? this.network.evaluate(validation.x, validation.labels, validation.count).correct / validation.count : -1;
        if (this.best.accuracy > finalVal) this.network.setParameters(parameterValues(this.network, this.best.parameters));
      }
      const evalData = test ?? validation;
      if (evalData && evalData.count > 0) {
        evaluation = evaluateDataset(this.network, evalData);
        this.emit({ type: 'evaluation', step: this.step, split: test ? 'test' : 'validation', evaluation });
      }
    }
    this.emit({ type: 'status', status, message });
    return { status, message, steps: this.step, epochsCompleted: Math.floor(this.step / this.stepsPerEpoch), evaluation, lastCheckpoint };
  }
}
