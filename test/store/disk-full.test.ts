/**
 * A full disk during `cnnwb train`, for real: the workspace lives on a 3 MiB tmpfs (the tests run
 * as root; skipped with the reason otherwise). One line naming the workspace and "disk full", the
 * run marked failed with its last committed checkpoint, --out still written, the workspace
 * consistent, and --resume working once space is freed; when the disk fills before the first
 * checkpoint, the line says the run cannot be resumed and why.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import type { TrainingEventMessage } from '../../core/api/contract';
import { openWorkbenchService } from '../../core/service/open-service';
import { openWorkspace } from '../../core/store/workspace';

const G = join(resolve(import.meta.dirname, '..', '..'), 'resources', 'templates', 'simplenn-3layer.json');
const isRoot = process.getuid?.() === 0;

async function cnnwb(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  // progress lines share stderr; the error is the one line that starts with "cnnwb"
  return { code, stdout, stderr, errors: stderr.split('\n').filter((l) => l.startsWith('cnnwb')) };
}

async function withTmpfs(size: string, body: (mount: string) => Promise<void>): Promise<void> {
  const mount = mkdtempSync(join(tmpdir(), 'cnnwb-full-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', mount]);
  try {
    await body(mount);
  } finally {
    try {
      execFileSync('umount', [mount]);
    } catch {
      execFileSync('umount', ['-l', mount]); // a file still open after a failed assertion: detach now, freed when closed
    }
    rmSync(mount, { recursive: true, force: true });
  }
}

describe.skipIf(!isRoot)('disk full while cnnwb train records a run (tmpfs; needs root)', () => {
  it('after a checkpoint: one line, the run failed with its last checkpoint, --out written, --resume works once space is freed', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'cnnwb-full-out-'));
    await withTmpfs('3M', async (mount) => {
      const db = join(mount, 'w.db');
      const out = join(outside, 'model.json');
      const r = await cnnwb(['train', G, '--data', 'sample', '--epochs', '6', '--db', db, '--out', out]);
      expect(r.code).toBe(1);
      expect(r.errors).toHaveLength(1);
      const match = new RegExp(`^cnnwb train: ${db}: disk full: run 1 failed at step (\\d+); its last checkpoint \\(step (\\d+)\\) is kept: free space, then resume it \\(cnnwb train --resume 1 --db ${db}, or Continue in the app\\); the model as trained so far was written to ${out}$`).exec(r.errors[0]);
      expect(match, r.errors[0]).not.toBeNull();
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(out)).toBe(true);
      const kept = Number(match![2]);
      expect(kept).toBeGreaterThan(0);

      execFileSync('mount', ['-o', 'remount,size=64M', mount]); // space freed
      const ws = openWorkspace(db);
      expect(ws.checkIntegrity()).toEqual(['ok']);
      const run = ws.runs.get(1)!;
      expect(run.status).toBe('failed');
      expect(run.statusDetail).toMatch(new RegExp(`^disk full at step \\d+; resume from the checkpoint at step ${kept} once space is freed$`));
      expect(ws.checkpoints.list(1).at(-1)!.step).toBe(kept);
      ws.close();

      const resumed = await cnnwb(['train', '--resume', '1', '--db', db]);
      expect(resumed.errors).toEqual([]);
      expect(resumed.code).toBe(0);
      expect(resumed.stdout).toMatch(/^completed: test accuracy/);
      const after = openWorkspace(db);
      expect(after.runs.get(1)!.status).toBe('completed');
      expect(after.series.epochs(1).map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
      after.close();
    });
    rmSync(outside, { recursive: true, force: true });
  }, 900_000);

  it('before the first checkpoint: the line says the run cannot be resumed and why; --out is still written', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'cnnwb-full-out-'));
    await withTmpfs('3M', async (mount) => {
      const fs = statfsSync(mount);
      writeFileSync(join(mount, 'filler'), Buffer.alloc(fs.bavail * fs.bsize - 400 * 1024)); // a first checkpoint (about 1 MB) cannot fit
      const db = join(mount, 'w.db');
      const out = join(outside, 'model.json');
      const r = await cnnwb(['train', G, '--data', 'sample', '--epochs', '2', '--db', db, '--out', out]);
      expect(r.code).toBe(1);
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]).toMatch(
        new RegExp(`^cnnwb train: ${db}: disk full: run 1 failed at step \\d+, before its first checkpoint, so it cannot be resumed \\(there is nothing to resume from\\); free space and train it again; the model as trained so far was written to ${out}$`),
      );
      expect(existsSync(out)).toBe(true);
      rmSync(join(mount, 'filler'));
      const ws = openWorkspace(db);
      expect(ws.checkIntegrity()).toEqual(['ok']);
      expect(ws.runs.get(1)!.status).toBe('failed');
      ws.close();
      const resumed = await cnnwb(['train', '--resume', '1', '--db', db]);
      expect(resumed.code).toBe(2);
      expect(resumed.errors).toEqual([`cnnwb train: run 1 (default/run-1) has no checkpoint to resume from`]);
    });
    rmSync(outside, { recursive: true, force: true });
  }, 600_000);

  it('in the app: the training ended event carries the same one-line message', async () => {
    await withTmpfs('3M', async (mount) => {
      const fs = statfsSync(mount);
      writeFileSync(join(mount, 'filler'), Buffer.alloc(fs.bavail * fs.bsize - 400 * 1024));
      const db = join(mount, 'w.db');
      const opened = openWorkbenchService({ workspacePath: db, templatesFolder: join(resolve(import.meta.dirname, '..', '..'), 'resources', 'templates'), shell: 'browser', version: 'test' });
      try {
        const ended = new Promise<TrainingEventMessage>((done) =>
          opened.service.events.on('onTrainingEvent', (m) => {
            if (m.event.type === 'ended') done(m);
          }),
        );
        const graph = await opened.service.getTemplate('simplenn-3layer');
        const { runId } = await opened.service.startTraining({ graph, data: 'sample', settings: { epochs: 2 }, backend: 'auto' });
        const { event } = await ended;
        expect(event).toMatchObject({ type: 'ended', status: 'failed' });
        expect((event as { message: string }).message).toMatch(new RegExp(`^${db}: disk full: run ${runId} failed at step \\d+, before its first checkpoint, so it cannot be resumed`));
        expect(opened.workspace.runs.get(runId)!.status).toBe('failed');
      } finally {
        await opened.close();
      }
    });
  }, 600_000);
});
