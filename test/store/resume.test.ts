import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeTrainerCheckpoint } from '../../core/store/trainingEvents';
import { openWorkspace, type Workspace } from '../../core/store/workspace';
import { resumeStoredRun, trainNewRun } from './fixtures/trainStored';
import { tempDir } from './helpers';

const STEPS_PER_EPOCH = 43; // 2700 training instances of the sample, batch 64

/** Starts real training in a child process and SIGKILLs it once a step past `killAfterStep` is committed. */
function trainInChildAndKill(file: string, killAfterStep: number): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'train-writer.ts'), file, String(killAfterStep)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    let lastCommitted = -1;
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        if (lastCommitted > killAfterStep) break;
        const [word, value] = line.split(' ');
        if (word === 'committed') lastCommitted = Number(value);
        if (lastCommitted > killAfterStep) child.kill('SIGKILL');
      }
    });
    child.on('exit', (_code, signal) =>
      signal === 'SIGKILL' ? resolve(lastCommitted) : reject(new Error(`the training child ended on its own (${signal ?? _code}) before the kill: ${stderr}`)),
    );
  });
}

function history(ws: Workspace, runId: number) {
  return {
    steps: ws.series.steps(runId).map(({ step, epoch, loss, lr }) => ({ step, epoch, loss, lr })),
    epochs: ws.series.epochs(runId),
    stats: ws.series.layerStats(runId),
    evaluations: ws.evaluations.list(runId).map(({ id: _id, createdAt: _c, ...e }) => e),
  };
}

const parameterBits = (ws: Workspace, runId: number) =>
  decodeTrainerCheckpoint(ws.latestCheckpoint(runId)!).parameters.map((p) => Buffer.from(Float64Array.from(p.values).buffer).toString('base64'));

describe('resume after SIGKILL with the real trainer', () => {
  it('gives a run bit-identical to one never interrupted', async () => {
    const file = join(tempDir(), 'w.db');
    const reference = openWorkspace(file);
    const referenceId = await trainNewRun(reference, 'uninterrupted');
    reference.close();

    // killed mid-way through the second epoch, after the first epoch's checkpoint
    const lastCommitted = await trainInChildAndKill(file, STEPS_PER_EPOCH + 10);
    const ws = openWorkspace(file);
    expect(ws.checkIntegrity()).toEqual(['ok']);
    const killedId = ws.runs.resolve('resume/killed').id;
    expect(ws.recoveredRunIds).toEqual([killedId]);
    expect(ws.runs.get(killedId)!.status).toBe('interrupted');
    expect(ws.series.steps(killedId, { toStep: lastCommitted }).map((s) => s.step)).toEqual(Array.from({ length: lastCommitted }, (_, i) => i + 1));
    expect(ws.latestCheckpoint(killedId)!.step % STEPS_PER_EPOCH).toBe(0);

    await resumeStoredRun(ws, killedId);
    expect(ws.runs.get(killedId)!.status).toBe('completed');
    const resumed = history(ws, killedId);
    const uninterrupted = history(ws, referenceId);
    expect(resumed.steps).toHaveLength(3 * STEPS_PER_EPOCH);
    expect(resumed).toEqual(uninterrupted);
    expect(parameterBits(ws, killedId)).toEqual(parameterBits(ws, referenceId));
    expect(ws.runs.get(killedId)!.bestValAccuracy).toBe(ws.runs.get(referenceId)!.bestValAccuracy);
    ws.close();
  });
});
