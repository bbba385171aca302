import type { TrainerCheckpoint } from '../train/checkpoint';
import type { TrainingEvent } from '../train/events';
import { packNumbers, unpackNumbers } from './numericPack';
import type { Checkpoint, CheckpointInput } from './records';
import type { RunRecorder } from './recorder';

/**
 * The bridge from the trainer's events (core/train/events.ts) to a RunRecorder, so whoever
 * drives training only writes `trainer.on(e => recordTrainingEvent(recorder, e))`.
 * 'started' and 'newton' events carry nothing the store keeps; a final status ends the run.
 */
export function recordTrainingEvent(recorder: RunRecorder, event: TrainingEvent): void {
  switch (event.type) {
    case 'step':
      recorder.step({ step: event.step, epoch: event.epoch, loss: event.loss, lr: event.lr, stepMs: event.stepMs, imagesPerSec: event.imagesPerSec });
      return;
    case 'epoch':
      recorder.epoch({
        epoch: event.epoch,
        step: event.step,
        trainLoss: event.trainLoss,
        trainAccuracy: event.trainAccuracy,
        valLoss: event.valLoss,
        valAccuracy: event.valAccuracy,
      });
      return;
    case 'layerStats':
      for (const l of event.layers) recorder.layerStats({ step: event.step, layerId: l.layerId, tensor: l.tensor, stats: l.stats });
      return;
    case 'checkpoint':
      recorder.checkpoint(encodeTrainerCheckpoint(event.checkpoint));
      return;
    case 'evaluation':
      recorder.evaluation({
        step: event.step,
        split: event.split,
        accuracy: event.evaluation.accuracy,
        perClassAccuracy: event.evaluation.perClassAccuracy,
        confusion: event.evaluation.confusion,
        misclassified: event.evaluation.misclassified,
      });
      return;
    case 'status':
      if (event.status === 'paused') recorder.setPaused(true);
      else if (event.status === 'running') {
        if (!recorder.isFinished) recorder.setPaused(false);
      } else if (!recorder.isFinished) recorder.finish(event.status, event.message ?? null);
      return;
    default:
      return;
  }
}

/**
 * A TrainerCheckpoint as the store keeps it: parameters (and the best parameters kept so far) in
 * the weights blob, optimizer state in the optimizer blob, both as exact float64; the rest as JSON.
 */
export function encodeTrainerCheckpoint(c: TrainerCheckpoint): CheckpointInput {
  const { parameters, optimizer, best, average, ...rest } = c;
  const weights = packNumbers({ parameters, bestParameters: best?.parameters ?? null, averageParameters: average });
  const optimizerPacked = packNumbers(optimizer);
  return {
    step: c.step,
    epoch: c.epoch,
    weights: weights.blob,
    optimizerState: optimizerPacked.blob,
    trainerState: {
      ...rest,
      best: best ? { accuracy: best.accuracy, epoch: best.epoch } : null,
      weightsLayout: weights.skeleton,
      optimizerLayout: optimizerPacked.skeleton,
    },
  };
}

export function decodeTrainerCheckpoint(stored: Checkpoint): TrainerCheckpoint {
  const { weightsLayout, optimizerLayout, best, ...rest } = stored.trainerState as Record<string, unknown> & {
    weightsLayout: unknown;
    optimizerLayout: unknown;
    best: { accuracy: number; epoch: number } | null;
  };
  const { parameters, bestParameters, averageParameters } = unpackNumbers(weightsLayout, stored.weights) as Pick<TrainerCheckpoint, 'parameters'> & {
    bestParameters: TrainerCheckpoint['parameters'] | null;
    /** absent in checkpoints written before weight averaging existed */
    averageParameters?: TrainerCheckpoint['average'];
  };
  const optimizer = unpackNumbers(optimizerLayout, stored.optimizerState ?? new Uint8Array(0)) as TrainerCheckpoint['optimizer'];
  return {
    ...(rest as Omit<TrainerCheckpoint, 'parameters' | 'optimizer' | 'best' | 'average'>),
    parameters,
    average: averageParameters ?? null,
    optimizer,
    best: best ? { ...best, parameters: bestParameters ?? [] } : null,
  };
}
