import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphFile } from '../../core/api/contract';
import { tinyGraph } from '../train/tinyGraph';
import { tempService } from './fixtures';

/** Lecture mode through the service (the inspection worker), as both transports carry it. */
describe('lecture mode through the service', () => {
  let t: ReturnType<typeof tempService>;
  let graph: GraphFile;
  beforeAll(async () => {
    t = tempService();
    graph = await t.service.getTemplate('simplenn-3layer');
  });
  afterAll(async () => {
    await t.close();
    t.dispose();
  });

  it('walks a training instance of the sample, and an uploaded copy of it gives the same numbers', async () => {
    const target = { graph, runId: null, data: 'sample' };
    const walk = await t.service.lectureWalk(target, { kind: 'sample', index: 0 });
    expect(walk.instance).toMatch(/^training instance 0, label \d/);
    expect(walk.weights).toMatch(/He initialisation/);
    expect(walk.steps[0].id).toBe('forward:conv1:pad');
    expect(walk.steps.find((s) => s.id === 'forward:conv1:phi')!.matrices[1]).toMatchObject({ rows: 25, cols: 784 });
    const image = (await t.service.previewData('sample', 1)).images[0];
    const uploaded = await t.service.lectureWalk(target, { kind: 'image', width: image.width, height: image.height, channels: image.channels, pixels: image.pixels, label: image.label, name: 'shoe.png' });
    expect(uploaded.instance).toBe(`uploaded image shoe.png, label ${image.label}`);
    const f = (w: typeof walk) => w.steps.find((s) => s.id === 'objective:f')!.scalars.find((s) => s.key === 'f')!.value;
    expect(f(uploaded)).toBe(f(walk));
  });

  it('checks a step by central differences', async () => {
    const check = await t.service.lectureCheck({ graph, runId: null, data: 'sample' }, { kind: 'sample', index: 2 }, 'backward:fc1:db');
    expect(check.exhaustive).toBe(true);
    expect(check.probes).toHaveLength(10);
    expect(check.maxRelativeError).toBeLessThan(1e-6);
  });

  it('refuses an image of the wrong size, a step without a gradient and a run that does not exist, saying which', async () => {
    const target = { graph, runId: null, data: 'sample' };
    await expect(t.service.lectureWalk(target, { kind: 'image', width: 10, height: 10, channels: 1, pixels: new Array(100).fill(0), label: 0 })).rejects.toThrow(
      /uploaded image is 10x10 with 1 channel\(s\); the network's input is 28x28 with 1: resize it first/,
    );
    await expect(t.service.lectureCheck(target, { kind: 'sample', index: 0 }, 'forward:conv1:S')).rejects.toThrow(/shows no gradient to check/);
    await expect(t.service.lectureWalk({ ...target, runId: 999 }, { kind: 'sample', index: 0 })).rejects.toThrow(/no run with id 999/);
  });

  it("walks a run's weights at any stored checkpoint, and names a step the run has no checkpoint at", async () => {
    const started = await t.service.startTraining({ graph: tinyGraph, data: 'sample', settings: { epochs: 2, batchSize: 100, validationFraction: 0.1 }, backend: 'reference', runName: 'lecture' });
    const end = Date.now() + 120_000;
    while ((await t.service.getRun(started.runId)).summary.status !== 'completed') {
      if (Date.now() > end) throw new Error('the run did not complete in 2 minutes');
      await new Promise((r) => setTimeout(r, 100));
    }
    const steps = (await t.service.getRun(started.runId)).checkpointSteps;
    expect(steps.length).toBeGreaterThanOrEqual(2);
    const target = { graph: tinyGraph, runId: started.runId, data: 'sample' };
    const f = (w: { steps: { id: string; scalars: { key: string; value: number }[] }[] }) => w.steps.find((s) => s.id === 'objective:f')!.scalars.find((s) => s.key === 'f')!.value;
    const first = await t.service.lectureWalk({ ...target, checkpointStep: steps[0] }, { kind: 'sample', index: 1 });
    const latest = await t.service.lectureWalk(target, { kind: 'sample', index: 1 });
    expect(first.weights).toBe(`run "lecture", checkpoint at step ${steps[0]}`);
    expect(latest.weights).toBe(`run "lecture", checkpoint at step ${steps[steps.length - 1]}`);
    expect(f(first)).not.toBe(f(latest));
    const again = await t.service.lectureWalk({ ...target, checkpointStep: steps[steps.length - 1] }, { kind: 'sample', index: 1 });
    expect(f(again)).toBe(f(latest));
    await expect(t.service.lectureWalk({ ...target, checkpointStep: 99999 }, { kind: 'sample', index: 1 })).rejects.toThrow('run "lecture" has no checkpoint at step 99999');
  });
});
