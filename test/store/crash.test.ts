import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openWorkspace } from '../../core/store/workspace';
import { tempDir } from './helpers';

/** Starts the writer child and resolves once it has reported `commits` commits; returns what it reported. */
function runWriterUntil(file: string, commits: number): Promise<{ runId: number; lastCommitted: number; exit: Promise<NodeJS.Signals | null> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'crash-writer.ts'), file], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exit = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    let runId = -1;
    let lastCommitted = -1;
    let seen = 0;
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        const [word, value] = line.split(' ');
        if (word === 'run') runId = Number(value);
        if (word === 'committed') {
          lastCommitted = Number(value);
          if (++seen === commits) {
            child.kill('SIGKILL');
            // lines already in the pipe were committed too; read them until the child is gone
          }
        }
      }
      if (seen >= commits) child.stdout.removeAllListeners('data');
    });
    child.on('exit', () => (seen >= commits ? resolve({ runId, lastCommitted, exit }) : reject(new Error(`writer ended early: ${stderr}`))));
  });
}

describe('crash safety', () => {
  it('keeps every committed metric and marks the run interrupted after SIGKILL; the run resumes', async () => {
    const file = join(tempDir(), 'crash.db');
    const { runId, lastCommitted, exit } = await runWriterUntil(file, 60);
    expect(await exit).toBe('SIGKILL');
    expect(lastCommitted).toBeGreaterThan(100);

    const ws = openWorkspace(file);
    expect(ws.checkIntegrity()).toEqual(['ok']);
    expect(ws.recoveredRunIds).toEqual([runId]);
    const run = ws.runs.get(runId)!;
    expect(run.status).toBe('interrupted');
    const steps = ws.series.steps(runId, { toStep: lastCommitted });
    expect(steps.map((s) => s.step)).toEqual(Array.from({ length: lastCommitted }, (_, i) => i + 1));
    expect(steps.every((s) => s.loss === 1 / s.step)).toBe(true);
    // a batch may commit a step before the statistics pushed after it, so count those before the last step
    const stats = ws.series.layerStats(runId, { toStep: lastCommitted - 1 });
    expect(stats.length).toBe(2 * (1 + Math.floor((lastCommitted - 1) / 5)));

    const latest = ws.latestCheckpoint(runId)!;
    expect(latest.step % 50).toBe(0);
    expect(latest.step).toBeGreaterThanOrEqual(Math.floor(lastCommitted / 50) * 50);
    expect(latest.trainerState).toEqual({ rng: [1, 2, 3, latest.step], position: latest.step });

    const { recorder, checkpoint } = ws.resumeRun(runId);
    expect(checkpoint.step).toBe(latest.step);
    expect(ws.runs.get(runId)!.status).toBe('running');
    expect(ws.series.steps(runId).at(-1)!.step).toBe(checkpoint.step);
    recorder.step({ step: checkpoint.step + 1, epoch: 9, loss: 0.5, lr: 0.01, stepMs: 1, imagesPerSec: 1 });
    recorder.finish('completed');
    expect(ws.runs.get(runId)!.status).toBe('completed');
    expect(ws.runs.get(runId)!.lastStep).toBe(checkpoint.step + 1);
    ws.close();
  });
});
