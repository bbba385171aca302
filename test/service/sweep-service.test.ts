import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphFile, TrainingEventMessage } from '../../core/api/contract';
import { repoRoot, tempService } from './fixtures';

/**
 * Sweeps through the service, as the app drives them: each trial is a run of the training
 * manager (its events reach the UI, the runs list names its sweep), the table changes are
 * announced, a stop leaves the sweep continuable, and continuing it does not repeat a trial.
 */
describe('sweeps through the service', () => {
  let t: ReturnType<typeof tempService>;
  const changes: number[] = [];
  const events: TrainingEventMessage[] = [];
  const graph = JSON.parse(readFileSync(join(repoRoot, 'test', 'store', 'fixtures', 'tiny-graph.json'), 'utf8')) as GraphFile;
  const request = (dimensions: string[]) => ({
    graph,
    data: 'sample',
    settings: { epochs: 2, batchSize: 64, statsEvery: 0 },
    backend: 'js',
    dimensions,
    search: { kind: 'grid' as const },
    budget: {},
    earlyStopping: 'none' as const,
  });
  const until = async (check: () => boolean | Promise<boolean>, ms = 90_000) => {
    const end = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  beforeAll(() => {
    t = tempService();
    t.service.events.on('onSweepChanged', (id) => changes.push(id));
    t.service.events.on('onTrainingEvent', (m) => events.push(m));
  });
  afterAll(async () => {
    await t.close();
    t.dispose();
  });

  it('refuses a bad sweep before recording anything', async () => {
    await expect(Promise.resolve().then(() => t.service.startSweep(request(['conv1.filters=4,0'])))).rejects.toThrow(/^conv1\.filters=0: the graph breaks/);
    expect(await t.service.listSweeps()).toEqual([]);
    expect((await t.service.sweepDimensions(graph)).map((d) => d.name)).toEqual(expect.arrayContaining(['lr', 'optimizer', 'C', 'conv1.filters', 'conv1.size', 'fc1.units', 'pool1.mode']));
  });

  it('runs a grid as runs of the training manager; a stop keeps it continuable; continuing repeats nothing', async () => {
    const started = await t.service.startSweep(request(['lr=0.05,0.03,0.02']));
    expect(started).toMatchObject({ id: 1, live: true, trials: 3, done: 0 });
    // stop it once the first trial has ended and the second has started
    await until(async () => (await t.service.getSweep(1)).rows[1].state === 'running');
    await t.service.stopSweep(1);
    await until(async () => !(await t.service.listSweeps())[0].live);
    const stopped = await t.service.getSweep(1);
    expect(stopped.summary).toMatchObject({ status: 'stopped', resumable: true, done: 1 });
    expect(stopped.rows.map((r) => r.state)).toEqual(['finished', 'pending', 'pending']);
    const secondRun = stopped.rows[1].runId!;
    expect((await t.service.getRun(secondRun)).summary.status).toBe('stopped');

    await t.service.continueSweep(1);
    await until(async () => (await t.service.getSweep(1)).summary.status === 'completed');
    const done = await t.service.getSweep(1);
    expect(done.rows.map((r) => r.state)).toEqual(['finished', 'finished', 'finished']);
    expect(done.rows[1].runId).toBe(secondRun); // continued into the same run
    expect(done.rows.every((r) => r.testAccuracy !== null && r.valAccuracy !== null)).toBe(true);
    const runs = await t.service.listRuns();
    expect(runs).toHaveLength(3);
    expect(runs.map((r) => r.sweep).sort((a, b) => a!.trial - b!.trial)).toEqual([{ id: 1, trial: 1 }, { id: 1, trial: 2 }, { id: 1, trial: 3 }]);
    expect(changes.filter((id) => id === 1).length).toBeGreaterThan(5);
    // every trial's events reached the UI under its run id
    for (const r of done.rows) expect(events.some((e) => e.runId === r.runId && e.event.type === 'ended')).toBe(true);
  });
});
