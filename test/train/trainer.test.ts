import { describe, expect, it } from 'vitest';
import { createJsBackend } from '../../core/compute/reference/typedArrayBackend';
import { makeDataset, type Dataset } from '../../core/data/dataset';
import { Network } from '../../core/engine/network';
import { resolveTrainingConfig, TrainingConfigError, type TrainingConfigInput } from '../../core/train/config';
import type { TrainingEvent } from '../../core/train/events';
import { Trainer } from '../../core/train/trainer';
import type { TrainerCheckpoint } from '../../core/train/checkpoint';
import { Random } from '../../core/util/random';
import { specOf } from '../engine/helpers';
import type { ChainLayer } from '../../core/graph/chain';

const layers: ChainLayer[] = [
  { kind: 'input', params: { channels: 1, height: 6, width: 6 } },
  { kind: 'conv', params: { filters: 4, size: 3, stride: 1, padding: 1, activation: 'relu' } },
  { kind: 'pool', params: { mode: 'max', size: 2, stride: 2 } },
  { kind: 'fc', params: { units: 3, activation: 'linear' } },
  { kind: 'output', params: { loss: 'softmax_ce', classes: 3, C: 100 } },
];
const spec = specOf(layers);

/** Three classes: a bright row, a bright column or a bright diagonal, plus noise. */
function synthetic(count: number, seed: number): Dataset {
  const random = new Random(seed);
  const x = new Float32Array(count * 36);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const y = i % 3;
    labels[i] = y;
    const k = random.int(6);
    for (let r = 0; r < 6; r++)
      for (let c = 0; c < 6; c++) {
        const on = y === 0 ? r === k : y === 1 ? c === k : r === c;
        x[i * 36 + r + 6 * c] = (on ? 1 : 0) + 0.3 * random.normal();
      }
  }
  return makeDataset({ shape: { d: 1, a: 6, b: 6 }, x, labels, classes: 3, source: `synthetic ${seed}`, rawRange: { min: -2, max: 3 } });
}

const train = synthetic(120, 1);
const validation = synthetic(30, 2);
const test = synthetic(60, 3);

async function runTrainer(config: TrainingConfigInput, options: { resumeFrom?: TrainerCheckpoint; control?: (t: Trainer, e: TrainingEvent, network: Network) => void } = {}) {
  const network = new Network(spec, createJsBackend(), { batchCapacity: 16 });
  network.initialize(7);
  const events: TrainingEvent[] = [];
  const trainer: Trainer = new Trainer({
    network,
    config: resolveTrainingConfig({ batchSize: 16, epochs: 3, statsEvery: 4, ...config }),
    train,
    validation,
    test,
    resumeFrom: options.resumeFrom,
    onEvent: (e) => {
      events.push(e);
      options.control?.(trainer, e, network);
    },
  });
  const outcome = await trainer.run();
  return { outcome, events, network };
}

const steps = (events: TrainingEvent[]) => events.filter((e) => e.type === 'step').map((e) => (e as { loss: number }).loss);

describe('trainer', () => {
  it.each(['sgd', 'adam', 'newton'] as const)('%s learns the synthetic task, with events in order', async (optimizer) => {
    const { outcome, events } = await runTrainer({ optimizer, epochs: optimizer === 'newton' ? 6 : 8, sgd: { lr: 0.05, momentum: 0.9, decay: 0 }, adam: { lr: 0.03 }, newton: { subsampleFraction: 0.3 } });
    expect(outcome.status).toBe('completed');
    expect(outcome.evaluation!.accuracy).toBeGreaterThan(0.8);
    expect(events[0].type).toBe('started');
    expect(events.at(-1)).toEqual({ type: 'status', status: 'completed', message: undefined });
    const epochs = events.filter((e) => e.type === 'epoch');
    expect(epochs.length).toBe(optimizer === 'newton' ? 6 : 8);
    const stats = events.find((e) => e.type === 'layerStats');
    expect(stats && stats.type === 'layerStats' && stats.layers.map((l) => `${l.layerId}.${l.tensor}`)).toEqual(['conv1.dW', 'conv1.W', 'conv1.db', 'conv1.b', 'fc1.dW', 'fc1.W', 'fc1.db', 'fc1.b']);
    const evaluation = events.find((e) => e.type === 'evaluation');
    expect(evaluation && evaluation.type === 'evaluation' && evaluation.evaluation.confusion.flat().reduce((s, v) => s + v, 0)).toBe(60);
  });

  it('is deterministic: the same seed gives the same run', async () => {
    const a = await runTrainer({ augmentation: { maxShift: 1, horizontalFlip: true } });
    const b = await runTrainer({ augmentation: { maxShift: 1, horizontalFlip: true } });
    expect(steps(a.events)).toEqual(steps(b.events));
    const c = await runTrainer({ seed: 2, augmentation: { maxShift: 1, horizontalFlip: true } });
    expect(steps(c.events)).not.toEqual(steps(a.events));
  });

  it.each(['sgd', 'adam', 'newton'] as const)('%s: stop leaves a checkpoint from which a resumed run is bit-identical to an uninterrupted one', async (optimizer) => {
    const config: TrainingConfigInput = { optimizer, augmentation: { maxShift: 1, horizontalFlip: false }, newton: { subsampleFraction: 0.3 }, epochs: optimizer === 'newton' ? 4 : 3 };
    const full = await runTrainer(config);
    const stopped = await runTrainer(config, { control: (t, e) => e.type === 'step' && e.step === (optimizer === 'newton' ? 2 : 11) && t.stop() });
    expect(stopped.outcome.status).toBe('stopped');
    const checkpoint = stopped.outcome.lastCheckpoint!;
    expect(checkpoint.step).toBe(optimizer === 'newton' ? 2 : 11);
    const resumed = await runTrainer(config, { resumeFrom: JSON.parse(JSON.stringify(checkpoint)) });
    expect([...steps(stopped.events), ...steps(resumed.events)]).toEqual(steps(full.events));
    expect(resumed.network.getParameters()).toEqual(full.network.getParameters());
    expect(resumed.outcome.evaluation).toEqual(full.outcome.evaluation);
  });

  it('averages the weights: the final model is the moving average of the iterates, which the optimizer never sees', async () => {
    const beta = 0.8;
    const iterates: number[][][] = [];
    const plain = await runTrainer({ optimizer: 'adam', keepBest: false }, { control: (_t, e, network) => e.type === 'step' && iterates.push(network.getParameters().map((p) => Array.from(p.values))) });
    const averaged = await runTrainer({ optimizer: 'adam', keepBest: false, averageDecay: beta });
    expect(steps(averaged.events)).toEqual(steps(plain.events));
    const initial = new Network(spec, createJsBackend(), { batchCapacity: 16 });
    initial.initialize(7);
    let expected = initial.getParameters().map((p) => Array.from(p.values));
    for (const theta of iterates) expected = expected.map((avg, i) => avg.map((v, j) => beta * v + (1 - beta) * theta[i][j]));
    const final = averaged.network.getParameters();
    final.forEach((p, i) => p.values.forEach((v, j) => expect(v).toBeCloseTo(expected[i][j], 5)));
    expect(final[0].values).not.toEqual(plain.network.getParameters()[0].values);
    // validation during the run scores the average, so it differs from the plain run's
    const val = (r: typeof plain) => r.events.flatMap((e) => (e.type === 'epoch' ? [e.valLoss] : []));
    expect(val(averaged)).not.toEqual(val(plain));
  });

  it('resumes a run with weight averaging bit-identically', async () => {
    const config: TrainingConfigInput = { optimizer: 'sgd', averageDecay: 0.9 };
    const full = await runTrainer(config);
    const stopped = await runTrainer(config, { control: (t, e) => e.type === 'step' && e.step === 11 && t.stop() });
    const checkpoint = stopped.outcome.lastCheckpoint!;
    expect(checkpoint.average).not.toBeNull();
    const resumed = await runTrainer(config, { resumeFrom: JSON.parse(JSON.stringify(checkpoint)) });
    expect(resumed.network.getParameters()).toEqual(full.network.getParameters());
    const validation = (events: TrainingEvent[]) => events.flatMap((e) => (e.type === 'epoch' && e.step > 11 ? [[e.epoch, e.valLoss, e.valAccuracy]] : []));
    expect(validation(resumed.events)).toEqual(validation(full.events));
  });

  it('pauses and resumes between steps', async () => {
    let pausedAt = -1;
    let stepsSeen = 0;
    const { outcome, events } = await runTrainer({}, {
      control: (t, e) => {
        if (e.type === 'step') stepsSeen++;
        if (e.type === 'step' && e.step === 5) {
          t.pause();
          setTimeout(() => t.resume(), 30);
        }
        if (e.type === 'status' && e.status === 'paused') pausedAt = stepsSeen;
      },
    });
    expect(outcome.status).toBe('completed');
    expect(pausedAt).toBe(5);
    const statuses = events.filter((e) => e.type === 'status').map((e) => (e as { status: string }).status);
    expect(statuses).toEqual(['running', 'paused', 'running', 'completed']);
  });

  it('stops on divergence with a clear message and keeps the last finite weights', async () => {
    const { outcome, network } = await runTrainer({ sgd: { lr: 1e6, momentum: 0, decay: 0 } });
    expect(outcome.status).toBe('diverged');
    expect(outcome.message).toMatch(/^the objective became (NaN|Infinity) at step \d+ \(epoch 1\); training stopped and the last weights with a finite objective were kept/);
    const value = network.evaluate(train.x, train.labels, train.count);
    expect(Number.isFinite(value.f)).toBe(true);
  });

  it('stops early when validation accuracy stops improving, keeping the best weights', async () => {
    const { outcome, events } = await runTrainer({ epochs: 40, earlyStoppingPatience: 2, adam: { lr: 0.01 }, optimizer: 'adam' });
    const epochs = events.filter((e) => e.type === 'epoch').length;
    expect(epochs).toBeLessThan(40);
    expect(outcome.status).toBe('completed');
    expect(outcome.message).toMatch(/^early stopping: no better validation accuracy for 2 epochs/);
  });

  it('rejects a bad setting naming the field', () => {
    expect(() => resolveTrainingConfig({ sgd: { lr: -1 } })).toThrow(new TrainingConfigError('sgd.lr', 'expected a number in (0, Infinity], got -1'));
    expect(() => resolveTrainingConfig({ batchSize: 0 })).toThrow('batchSize: expected a whole number >= 1, got 0');
    expect(() => resolveTrainingConfig({ optimizer: 'lbfgs' as never })).toThrow('optimizer: expected sgd, adam or newton, got "lbfgs"');
  });
});
