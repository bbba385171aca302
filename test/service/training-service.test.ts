import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainingEventMessage, UiTrainingEvent } from '../../core/api/contract';
import { tempService } from './fixtures';

/** Training, runs and inspection through the service, as both transports carry them. */
describe('training, runs and inspection through the service', () => {
  let t: ReturnType<typeof tempService>;
  const events: TrainingEventMessage[] = [];
  const of = (runId: number, type: UiTrainingEvent['type']) => events.filter((e) => e.runId === runId && e.event.type === type).map((e) => e.event);
  const until = async (check: () => boolean, ms = 60_000) => {
    const end = Date.now() + ms;
    while (!check()) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  let runId = 0;

  beforeAll(() => {
    t = tempService();
    t.service.events.on('onTrainingEvent', (m) => events.push(m));
  });
  afterAll(async () => {
    await t.close();
    t.dispose();
  });

  it('lists the backends and previews the sample with class counts', async () => {
    const backends = await t.service.listBackends();
    expect(backends.map((b) => b.name)).toContain('reference');
    expect(backends.find((b) => b.name === 'reference')!.ok).toBe(true);
    const preview = await t.service.previewData('sample', 4);
    expect(preview.count).toBe(3000);
    expect(preview.classCounts).toEqual(new Array(10).fill(300));
    expect(preview.images).toHaveLength(4);
    expect(preview.images[0].pixels).toHaveLength(28 * 28);
    expect(Math.max(...preview.images[0].pixels)).toBeGreaterThan(100);
  });

  it('previews an imported CSV file: images row-major, class counts, and a bad cell named by line and column', async () => {
    const { writeFileSync } = await import('node:fs');
    const rows = ['label,' + Array.from({ length: 16 }, (_, i) => `p${i}`).join(',')];
    for (let r = 0; r < 6; r++) rows.push([r % 3, ...Array.from({ length: 16 }, (_, i) => (i === r ? 255 : 0))].join(','));
    const file = join(t.folder, 'tiny.csv');
    writeFileSync(file, rows.join('\n') + '\n');
    const preview = await t.service.previewData(file, 3);
    expect(preview).toMatchObject({ count: 6, classes: 3, classCounts: [2, 2, 2], shape: { d: 1, a: 4, b: 4 } });
    // row-major, as the CSV gives them: instance 1 has its bright pixel at row 0, column 1
    expect(preview.images[1].pixels.indexOf(255)).toBe(1);
    writeFileSync(file, rows.slice(0, 3).join('\n') + '\n1,' + new Array(16).fill('x').join(',') + '\n');
    await expect(t.service.previewData(file, 3)).rejects.toThrow(/tiny\.csv:4:2/);
  });

  it('previews an image folder in colour, one class per sub-folder', async () => {
    const { mkdirSync } = await import('node:fs');
    const sharp = (await import('sharp')).default;
    const root = join(t.folder, 'images');
    const colours: Record<string, [number, number, number]> = { cats: [255, 0, 0], dogs: [0, 0, 255] };
    for (const [name, [r, g, b]] of Object.entries(colours)) {
      mkdirSync(join(root, name), { recursive: true });
      for (let i = 0; i < 2; i++) await sharp({ create: { width: 5, height: 4, channels: 3, background: { r, g, b } } }).png().toFile(join(root, name, `${i}.png`));
    }
    const preview = await t.service.previewData(root, 4);
    expect(preview).toMatchObject({ count: 4, classes: 2, classNames: ['cats', 'dogs'], classCounts: [2, 2], shape: { d: 3, a: 4, b: 5 } });
    const dog = preview.images.find((i) => i.label === 1)!;
    expect([dog.width, dog.height, dog.channels]).toEqual([5, 4, 3]);
    expect(dog.pixels.slice(0, 3)).toEqual([0, 0, 255]);
  });

    it('refuses a bad setting before starting, naming the field', async () => {
    const graph = await t.service.getTemplate('simplenn-3layer');
    await expect(async () => t.service.startTraining({ graph, data: 'sample', settings: { batchSize: 0 }, backend: 'auto' })).rejects.toThrow(/batchSize/);
    await expect(t.service.startTraining({ graph, data: '/no/such/data', settings: {}, backend: 'auto' })).rejects.toThrow(/no\/such\/data/);
  });

  it('trains, pauses, resumes and stops a run, recording it', async () => {
    const graph = await t.service.getTemplate('simplenn-3layer');
    const started = await t.service.startTraining({ graph, data: 'sample', settings: { epochs: 2, batchSize: 32, statsEvery: 5, validationFraction: 0.1 }, backend: 'auto', runName: 'first' });
    runId = started.runId;
    expect(started.backend).not.toBe('auto');
    await until(() => of(runId, 'step').length >= 3);
    await t.service.pauseTraining(runId);
    await until(() => of(runId, 'status').some((e) => e.type === 'status' && e.status === 'paused'));
    const stepsWhenPaused = of(runId, 'step').length;
    await new Promise((r) => setTimeout(r, 300));
    expect(of(runId, 'step').length).toBe(stepsWhenPaused);
    expect((await t.service.listRuns()).find((r) => r.id === runId)).toMatchObject({ status: 'paused', live: true, name: 'first' });
    await t.service.resumeTraining(runId);
    await until(() => of(runId, 'step').length > stepsWhenPaused + 2);
    await t.service.stopTraining(runId);
    await until(() => of(runId, 'ended').length === 1);
    expect(of(runId, 'ended')[0]).toMatchObject({ status: 'stopped' });
    expect(of(runId, 'layerStats').length).toBeGreaterThan(0);
    const run = await t.service.getRun(runId);
    expect(run.summary).toMatchObject({ status: 'stopped', live: false, resumable: true, optimizer: 'sgd' });
    expect(run.steps.length).toBe(of(runId, 'step').length);
    expect(run.checkpointSteps.length).toBeGreaterThan(0);
  });

  it('gives the gradient flow with thresholds', async () => {
    const flow = await t.service.gradientFlow(runId);
    expect(flow.steps[0]).toBe(1);
    expect(flow.layers.map((l) => l.layerId)).toEqual(['conv1', 'conv2', 'conv3', 'fc1']);
    expect(flow.layers[0].norms.dW.every((n) => n !== null && n > 0)).toBe(true);
    expect(flow.thresholds.vanishingRatio).toBeGreaterThan(0);
  });

  it('checks a layer gradient, builds the vector form and the activations with the run weights', async () => {
    const graph = (await t.service.getRun(runId)).graph;
    const target = { graph, runId, data: 'sample' };
    // The check runs in the inspection worker: this thread (which records training) keeps ticking.
    let last = performance.now();
    let worstGap = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      worstGap = Math.max(worstGap, now - last);
      last = now;
    }, 5);
    const check = await t.service.gradientCheck(target, 'fc1', 2);
    clearInterval(ticker);
    expect(check.ms).toBeGreaterThan(100);
    expect(worstGap).toBeLessThan(check.ms / 2);
    expect(check.weights).toMatch(/checkpoint at step/);
    expect(check.relativeError).toBeLessThan(1e-6);
    const view = await t.service.vectorForm(target, 'conv1', 3);
    expect([view.phiPadZ.rows, view.phiPadZ.cols, view.W.rows, view.W.cols]).toEqual([25, 784, 32, 25]);
    const inspection = await t.service.inspectNetwork({ graph, runId: null, data: 'sample' }, 0);
    expect(inspection.activations.map((a) => a.nodeId)).toEqual(['input', 'conv1', 'pool1', 'conv2', 'pool2', 'conv3', 'pool3', 'fc1']);
    expect(inspection.filters.map((f) => [f.nodeId, f.count, f.h])).toEqual([['conv1', 32, 5], ['conv2', 64, 3], ['conv3', 64, 3]]);
    expect(inspection.deadUnits.map((d) => d.nodeId)).toEqual(['conv1', 'conv2', 'conv3']);
  });

  it('continues the stopped run, then renames, exports, imports and deletes runs', async () => {
    const before = of(runId, 'step').length;
    const last = (await t.service.getRun(runId)).summary.lastStep!;
    const resumed = await t.service.continueRun(runId);
    expect(resumed.runId).toBe(runId);
    await until(() => of(runId, 'step').length > before);
    const firstAfter = of(runId, 'step')[before];
    expect(firstAfter.type === 'step' && firstAfter.step).toBe(last + 1);
    await t.service.stopTraining(runId);
    await until(() => of(runId, 'ended').length === 2);
    const images = await t.service.runImages(runId, 'test', [0, 5]);
    expect(images.map((i) => [i.index, i.width, i.height])).toEqual([[0, 28, 28], [5, 28, 28]]);
    await expect(t.service.runImages(runId, 'test', [1000])).rejects.toThrow(/instance 1000 is outside the 1000/);
        expect((await t.service.renameRun(runId, 'renamed')).name).toBe('renamed');
    const file = join(t.folder, 'run.cnnwb');
    await t.service.exportRun(runId, file);
    await expect(async () => t.service.importRuns(file)).rejects.toThrow(/already in this workspace/);
    await t.service.deleteRun(runId);
    expect(await t.service.listRuns()).toEqual([]);
    const imported = await t.service.importRuns(file);
    expect(imported.runIds).toHaveLength(1);
    const back = await t.service.getRun(imported.runIds[0]);
    expect(back.summary.name).toBe('renamed');
    expect(back.steps.length).toBe(of(runId, 'step').length);
  });
});
