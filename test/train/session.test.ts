/** Training in a worker thread: events arrive on the calling thread; pause, resume and stop work by message. */
import { describe, expect, it } from 'vitest';
import type { TrainingEvent } from '../../core/train/events';
import { startTrainingSession } from '../../core/train/trainingSession';
import { tinyGraph } from './tinyGraph';

const graph = tinyGraph;

describe('training session in a worker', () => {
  it('streams events, pauses (no steps while paused), resumes and stops with a checkpoint', async () => {
    const events: TrainingEvent[] = [];
    let pausedAt = 0;
    let stepsWhilePaused = -1;
    const session = startTrainingSession(
      { graph, data: 'sample', backend: 'js', config: { optimizer: 'sgd', epochs: 50, batchSize: 32, sgd: { lr: 0.05, momentum: 0.9, decay: 0 }, statsEvery: 0 } },
      {
        onEvent: (e) => {
          events.push(e);
          if (e.type === 'step' && e.step === 3) session.pause();
          if (e.type === 'status' && e.status === 'paused') {
            pausedAt = events.filter((x) => x.type === 'step').length;
            setTimeout(() => {
              stepsWhilePaused = events.filter((x) => x.type === 'step').length - pausedAt;
              session.resume();
            }, 400);
          }
          if (e.type === 'step' && e.step === 12) session.stop();
        },
      },
    );
    const result = await session.done;
    expect(result.info.backend).toBe('js');
    expect(result.outcome.status).toBe('stopped');
    // Messages cross threads asynchronously: the worker may finish a step or two more before it reads stop.
    expect(result.outcome.steps).toBeGreaterThanOrEqual(12);
    expect(result.outcome.steps).toBeLessThanOrEqual(30);
    expect(events.filter((e) => e.type === 'step').length).toBe(result.outcome.steps);
    expect(stepsWhilePaused).toBe(0);
    expect(pausedAt).toBeGreaterThanOrEqual(3);
    expect(result.outcome.lastCheckpoint!.step).toBe(result.outcome.steps);
    expect(events.filter((e) => e.type === 'status').map((e) => (e as { status: string }).status)).toEqual(['running', 'paused', 'running', 'stopped']);
    expect(result.finalParameters.map((p) => `${p.layerId}.${p.name}`)).toEqual(['conv1.W', 'conv1.b', 'fc1.W', 'fc1.b']);
  });

  it('rejects with the reason when the graph cannot be trained', async () => {
    const bad = structuredClone(graph);
    (bad.nodes[1].params as { size: number }).size = 40;
    const session = startTrainingSession({ graph: bad, data: 'sample', backend: 'js', config: {} });
    await expect(session.done).rejects.toThrow(/^the graph cannot be trained: convolution node "conv1": filter 40x40 is larger than its padded input 28x28/);
  });
});
