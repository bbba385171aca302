/**
 * Where a run trains: a worker thread, or a process of its own when gpujs may run in a GL mode
 * (gl serves only the first thread of a process that loads it; trainingHost.ts). A run in a
 * process is driven by the same messages as one in a thread. Under Xvfb with gl built, two
 * gpujs runs one after the other in this process both train in headlessgl, not webasm.
 */
import { describe, expect, it } from 'vitest';
import type { GpujsMode } from '../../core/compute/gpujs/gpujsMode';
import type { TrainingEvent } from '../../core/train/events';
import { trainingHostKind } from '../../core/train/trainingHost';
import { startTrainingSession } from '../../core/train/trainingSession';
import { gpujsModeFactories } from '../compute/gpujsModes';
import { tinyGraph } from './tinyGraph';

const graph = tinyGraph;
const config = { optimizer: 'sgd' as const, epochs: 50, batchSize: 32, sgd: { lr: 0.05, momentum: 0.9, decay: 0 }, statsEvery: 0 };

const gl: GpujsMode = { mode: 'headlessgl', accelerated: true, renderer: 'X / Y' };
const webasm: GpujsMode = { mode: 'webasm', accelerated: false, renderer: null };

describe('training host', () => {
  it('gives a process to runs that may train on gpujs in a GL mode, a thread to the rest', () => {
    expect(trainingHostKind('gpujs', () => gl)).toBe('process');
    expect(trainingHostKind('auto', () => gl)).toBe('process');
    expect(trainingHostKind(undefined, () => gl)).toBe('process');
    expect(trainingHostKind('wasm-simd', () => gl)).toBe('thread');
    expect(trainingHostKind('gpujs', () => webasm)).toBe('thread');
    expect(trainingHostKind('auto', () => webasm)).toBe('thread');
    expect(
      trainingHostKind('gpujs', () => {
        throw new Error('no kernel runs');
      }),
    ).toBe('thread');
    // The packaged service (an Electron utility process) cannot start Electron as Node: threads only.
    expect(trainingHostKind('gpujs', () => gl, true)).toBe('thread');
  });

  it('drives a run in a process of its own by the same messages: events, pause, resume, stop', async () => {
    const events: TrainingEvent[] = [];
    let stepsWhilePaused = -1;
    const session = startTrainingSession(
      { graph, data: 'sample', backend: 'js', config },
      {
        onEvent: (e) => {
          events.push(e);
          if (e.type === 'step' && e.step === 3) session.pause();
          if (e.type === 'status' && e.status === 'paused') {
            const at = events.filter((x) => x.type === 'step').length;
            setTimeout(() => {
              stepsWhilePaused = events.filter((x) => x.type === 'step').length - at;
              session.resume();
            }, 400);
          }
          if (e.type === 'step' && e.step === 8) session.stop();
        },
      },
      'process',
    );
    const result = await session.done;
    expect(result.info.backend).toBe('js');
    expect(result.outcome.status).toBe('stopped');
    expect(stepsWhilePaused).toBe(0);
    expect(events.filter((e) => e.type === 'step').length).toBe(result.outcome.steps);
    // Parameters cross the process boundary intact (structured clone, 'advanced' serialization).
    expect(result.finalParameters.map((p) => `${p.layerId}.${p.name}`)).toEqual(['conv1.W', 'conv1.b', 'fc1.W', 'fc1.b']);
    expect(result.finalParameters[0].values).toHaveLength(4 * 25);
    expect(result.finalParameters[0].values.every(Number.isFinite)).toBe(true);
  });

  it('reports a run that cannot start in a process the way a thread does', async () => {
    const bad = structuredClone(graph);
    (bad.nodes[1].params as { size: number }).size = 40;
    const session = startTrainingSession({ graph: bad, data: 'sample', backend: 'js', config: {} }, {}, 'process');
    await expect(session.done).rejects.toThrow(/^the graph cannot be trained: convolution node "conv1": filter 40x40/);
  });
});

const [headless] = await gpujsModeFactories();
const status = await headless.available();

describe.skipIf(!status.ok)(`gpujs runs train in headlessgl, one after another${status.ok ? '' : ` (skipped: ${status.reason})`}`, () => {
  it('each run in this process reaches the GL mode (the second one too)', async () => {
    for (let run = 1; run <= 2; run++) {
      const session = startTrainingSession(
        { graph, data: 'sample', backend: 'gpujs', config: { ...config, batchSize: 16 } },
        { onEvent: (e) => e.type === 'step' && e.step === 2 && session.stop() },
      );
      const result = await session.done;
      expect(result.info.backendDescription, `run ${run}`).toMatch(/^gpu\.js \(headlessgl on .*data kept on the device\)$/);
      expect(result.outcome.steps).toBeGreaterThanOrEqual(2);
      expect(Number.isFinite(result.outcome.lastCheckpoint?.step ?? NaN)).toBe(true);
    }
  }, 300_000);
});

describe('a run in a process of its own when whoever started it is killed', () => {
  it('ends with its parent: no orphan keeps training', async () => {
    const { spawn, execFileSync } = await import('node:child_process');
    const script = `
      import { startTrainingSession } from './core/train/trainingSession.ts';
      import { tinyGraph } from './test/train/tinyGraph.ts';
      const session = startTrainingSession({ graph: tinyGraph, data: 'sample', backend: 'js', config: { optimizer: 'sgd', epochs: 1000, batchSize: 32, statsEvery: 0 } }, {
        onEvent: (e) => { if (e.type === 'step' && e.step === 2) console.log('stepping'); },
      }, 'process');
      await session.done;`;
    const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => parent.stdout!.on('data', (d: Buffer) => d.toString().includes('stepping') && resolve()));
    const children = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(parent.pid)], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.includes('trainingWorker'))
      .map((line) => Number(line.trim().split(/\s+/)[0]));
    expect(children).toHaveLength(1);
    parent.kill('SIGKILL');
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const deadline = Date.now() + 10_000;
    while (alive(children[0]) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(alive(children[0])).toBe(false);
  }, 60_000);
});
