import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunDetail, UiTrainingEvent } from '../../core/api/contract';
import { latestOnly, type Clock } from '../../renderer/src/inspect/latest-only';

const frames: (() => void)[] = [];
beforeAll(() => {
  (globalThis as unknown as { requestAnimationFrame: (cb: () => void) => number }).requestAnimationFrame = (cb) => frames.push(cb);
});
const nextFrame = () => frames.splice(0).forEach((f) => f());

const step = (n: number, epoch = 1): UiTrainingEvent => ({ type: 'step', step: n, epoch, loss: 1 / n, f: 1, accuracy: 0.1, lr: 0.001, stepMs: 10, imagesPerSec: 3200 });

describe('the dashboard store tells the inspection views when to refetch', () => {
  afterEach(() => frames.splice(0));

  it('bumps the statistics version on layer statistics and once more when the run ends (after the final commit)', async () => {
    const { trainingStore, followRun, receiveTrainingEvent } = await import('../../renderer/src/training/training-store');
    followRun(11, null);
    const v0 = trainingStore.getState().statsVersion;
    receiveTrainingEvent({ runId: 11, event: step(40) });
    receiveTrainingEvent({ runId: 11, event: { type: 'layerStats', step: 40, layers: [{ layerId: 'conv1', tensor: 'dW', norm: 0.1 }] } });
    nextFrame();
    expect(trainingStore.getState().statsVersion).toBe(v0 + 1);
    expect(trainingStore.getState().statsStep).toBe(40);
    const c0 = trainingStore.getState().checkpointVersion;
    receiveTrainingEvent({ runId: 11, event: { type: 'status', status: 'stopped' } });
    receiveTrainingEvent({ runId: 11, event: { type: 'checkpoint', step: 43, epoch: 1 } });
    nextFrame();
    expect(trainingStore.getState().statsVersion).toBe(v0 + 1);
    expect(trainingStore.getState().checkpointVersion).toBe(c0 + 1);
    // The recorder may commit step 40's statistics after the panel fetched: 'ended' asks again.
    receiveTrainingEvent({ runId: 11, event: { type: 'ended', status: 'stopped', testAccuracy: null } });
    nextFrame();
    expect(trainingStore.getState().statsVersion).toBe(v0 + 2);
    expect(trainingStore.getState().status).toBe('stopped');
  });

  it('continues a run from its stored steps: counter and curves include them, live events land on top', async () => {
    const { trainingStore, followRun, backfillFromStore, receiveTrainingEvent } = await import('../../renderer/src/training/training-store');
    followRun(5, null); // continueRunInDashboard follows the run before the service starts it
    receiveTrainingEvent({ runId: 5, event: { type: 'started', backend: 'js', backendDescription: 'plain JS', parameterCount: 1, trainCount: 2700, validationCount: 300, stepsPerEpoch: 43, totalSteps: 86, firstStep: 44 } });
    receiveTrainingEvent({ runId: 5, event: step(44, 2) });
    receiveTrainingEvent({ runId: 5, event: step(45, 2) });
    nextFrame();
    const detail = {
      summary: { id: 5, backend: 'js', status: 'running' },
      steps: Array.from({ length: 44 }, (_, i) => ({ step: i + 1, epoch: i < 43 ? 1 : 2, loss: 2, lr: 0.001, stepMs: 5, imagesPerSec: 100 })),
      epochs: [{ epoch: 1, step: 43, trainLoss: 2, trainAccuracy: 0.5, valLoss: 2.5, valAccuracy: 0.4 }],
    } as unknown as RunDetail;
    backfillFromStore(detail); // the stored history, read after the run started (it already holds step 44)
    receiveTrainingEvent({ runId: 5, event: step(46, 2) });
    nextFrame();
    const s = trainingStore.getState();
    expect(s.step).toBe(46);
    expect(s.epoch).toBe(2);
    expect(s.totalSteps).toBe(86);
    expect(s.series.step).toEqual(Array.from({ length: 46 }, (_, i) => i + 1));
    expect(s.series.loss[44]).toBeCloseTo(1 / 45); // live points after the stored ones are kept
    expect(s.series.accuracy[44]).toBe(0.1);
    expect(s.series.valAccuracy[42]).toBe(0.4);
    // A history for another run changes nothing.
    backfillFromStore({ ...detail, summary: { ...detail.summary, id: 6 } } as RunDetail);
    expect(trainingStore.getState().series.step.length).toBe(46);
  });

  it('fills the Train form with the settings a stored run trains with, only those its optimiser uses', async () => {
    const { formFromRun } = await import('../../renderer/src/training/training-store');
    const run = (optimizer: string, data: unknown) =>
      ({
        summary: { name: 'baseline', backend: 'wasm-simd' },
        hyperParameters: {
          data,
          config: { optimizer, epochs: 3, batchSize: 32, seed: 7, validationFraction: 0.2, statsEvery: 5, averageDecay: 0, sgd: { lr: 0.003, momentum: 0.8, decay: 0 }, adam: { lr: 0.002, decay: 0.01 }, newton: { subsampleFraction: 0.05, cgMaxIterations: 250 } },
        },
      }) as unknown as RunDetail;
    const adam = formFromRun(run('adam', 'sample'));
    expect(adam).toMatchObject({ runName: 'baseline', backend: 'wasm-simd', optimizer: 'adam', lr: '0.002', decay: '0.01', epochs: '3', batchSize: '32', seed: '7', validationFraction: '0.2', statsEvery: '5', dataKind: 'sample' });
    expect(formFromRun(run('sgd', '/data/x.csv'))).toMatchObject({ optimizer: 'sgd', lr: '0.003', momentum: '0.8', dataKind: 'path', dataPath: '/data/x.csv' });
    expect(formFromRun({ summary: { name: 'old', backend: 'js' }, hyperParameters: {} } as unknown as RunDetail)).toEqual({ runName: 'old', backend: 'js', fromImported: false });
  });
});

describe('latestOnly: live refetches never pile up and the last request is never lost', () => {
  function fakeClock(): Clock & { advance(ms: number): void } {
    let t = 0;
    let timers: { at: number; fn: () => void }[] = [];
    return {
      now: () => t,
      setTimeout: (fn, ms) => {
        const timer = { at: t + ms, fn };
        timers.push(timer);
        return timer;
      },
      clearTimeout: (h) => (timers = timers.filter((x) => x !== h)),
      advance(ms) {
        t += ms;
        const due = timers.filter((x) => x.at <= t);
        timers = timers.filter((x) => x.at > t);
        due.forEach((x) => x.fn());
      },
    };
  }
  const settle = () => new Promise((r) => setTimeout(r, 0));

  it('runs one at a time, collapses requests made meanwhile into one trailing run, spaced by the interval', async () => {
    const clock = fakeClock();
    const finish: (() => void)[] = [];
    let started = 0;
    const q = latestOnly(() => new Promise<void>((r) => (started++, finish.push(r))), 1000, clock);
    q.request();
    expect(started).toBe(1);
    for (let i = 0; i < 10; i++) q.request(); // while the first runs
    expect(started).toBe(1);
    finish.shift()!();
    await settle();
    expect(started).toBe(1); // too soon after the first
    clock.advance(999);
    expect(started).toBe(1);
    clock.advance(1);
    expect(started).toBe(2); // one trailing run for the ten requests
    finish.shift()!();
    await settle();
    clock.advance(5000);
    expect(started).toBe(2); // nothing more was asked
  });

  it('keeps going after a failed run', async () => {
    const clock = fakeClock();
    let calls = 0;
    const q = latestOnly(() => (calls++ === 0 ? Promise.reject(new Error('worker busy')) : Promise.resolve()), 10, clock);
    q.request();
    await settle();
    q.request();
    clock.advance(10);
    expect(calls).toBe(2);
  });
});

describe('comparing runs', () => {
  it('lists only settings that differ and that the runs optimisers use', async () => {
    const { diffObjects, flatten, usedDifferences } = await import('../../renderer/src/runs/run-diff');
    const config = (optimizer: string, adamLr: number, epochs: number) => ({ config: { optimizer, epochs, sgd: { lr: 0.003, momentum: 0.9 }, adam: { lr: adamLr }, newton: { cgMaxIterations: 250 } } });
    // Two Adam runs: sgd.* and newton.* are not used, equal settings are left out.
    const twoAdam = diffObjects([flatten({ ...config('adam', 0.001, 3), data: 'sample' }), flatten({ ...config('adam', 0.002, 1), data: 'sample' })]);
    expect(usedDifferences(twoAdam, ['adam', 'adam']).map((r) => r.key)).toEqual(['config.adam.lr', 'config.epochs']);
    // A differing unused setting (sgd.lr of two Adam runs) is still left out.
    const sgdDiffers = diffObjects([flatten({ config: { optimizer: 'adam', sgd: { lr: 0.1 } } }), flatten({ config: { optimizer: 'adam', sgd: { lr: 0.2 } } })]);
    expect(usedDifferences(sgdDiffers, ['adam', 'adam'])).toEqual([]);
    // SGD against Adam: each optimiser's settings show, "not used" where the other run does not use them.
    const mixed = usedDifferences(diffObjects([flatten(config('sgd', 0.001, 3)), flatten(config('adam', 0.001, 3))]), ['sgd', 'adam']);
    expect(mixed.map((r) => r.key)).toEqual(['config.adam.lr', 'config.optimizer', 'config.sgd.lr', 'config.sgd.momentum']);
    expect(mixed.find((r) => r.key === 'config.sgd.lr')!.values).toEqual(['0.003', 'not used']);
  });

  it('offers a log scale when losses span more than two decades and finds coinciding curves', async () => {
    const { spansDecades, identicalTo } = await import('../../renderer/src/runs/run-diff');
    expect(spansDecades([2.3, 0.5, 0.02])).toBe(true);
    expect(spansDecades([2.3, 0.5, 0.05, null])).toBe(false);
    expect(spansDecades([0, -1, 1])).toBe(false);
    const a = { x: [1, 2, 3], y: [2, 1, 0.5] };
    expect(identicalTo([a, { x: [1, 2, 3], y: [2, 1, 0.4] }, { ...a }, { x: [], y: [] }])).toEqual([null, null, 0, null]);
  });
});
