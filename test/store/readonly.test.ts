/**
 * Reading commands (cnnwb runs list / show / compare / export) open the workspace read-only and
 * create nothing: a mistyped --db is "no workspace at PATH", /dev/null gains no journal, and a
 * workspace on read-only media can be listed and exported.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openWorkspace } from '../../core/store/workspace';
import { cnnwbRuns, fakeBytes, sampleSpec, tempDir } from './helpers';

function seed(file: string): void {
  const ws = openWorkspace(file);
  const rec = ws.startRun(sampleSpec({ name: 'kept' }));
  for (let s = 1; s <= 5; s++) rec.step({ step: s, epoch: 0, loss: 1 / s, lr: 0.1, stepMs: 1, imagesPerSec: 100 });
  rec.checkpoint({ step: 5, epoch: 0, weights: fakeBytes(512, 1), optimizerState: null, trainerState: {} });
  rec.finish('completed');
  ws.close();
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const isRoot = process.getuid?.() === 0;

describe('reading commands open the workspace read-only and create nothing', () => {
  const savedXdg = process.env.XDG_CONFIG_HOME;
  afterEach(() => {
    if (savedXdg === undefined) delete process.env.XDG_CONFIG_HOME;
    else process.env.XDG_CONFIG_HOME = savedXdg;
  });

  it('a mistyped --db is one line "no workspace at PATH" and no file appears', async () => {
    const dir = tempDir();
    seed(join(dir, 'workspace.db'));
    const before = readdirSync(dir).sort();
    for (const args of [['list'], ['show', '1'], ['compare', '1', '1'], ['export', '1', join(dir, 'x.export')]]) {
      const typo = join(dir, 'worksapce.db');
      const r = await cnnwbRuns(...args, '--db', typo);
      expect(r).toEqual({ code: 2, stdout: '', stderr: `cnnwb runs: no workspace at ${typo}\n` });
      expect(readdirSync(dir).sort()).toEqual(before);
    }
  });

  it('--db /dev/null leaves no /dev/null-journal (nor -wal, -shm)', async () => {
    for (const args of [['list'], ['show', '1']]) {
      const r = await cnnwbRuns(...args, '--db', '/dev/null');
      expect(r).toEqual({ code: 2, stdout: '', stderr: 'cnnwb runs: no workspace at /dev/null\n' });
    }
    for (const sidecar of ['-journal', '-wal', '-shm']) expect(existsSync(`/dev/null${sidecar}`)).toBe(false);
  });

  it('list, show, compare and export leave the workspace file and its folder exactly as they were', async () => {
    const dir = tempDir();
    const db = join(dir, 'workspace.db');
    seed(db);
    const hash = sha(db);
    const before = readdirSync(dir).sort();
    expect((await cnnwbRuns('list', '--db', db)).stdout).toMatch(/kept\s+completed\s+5/);
    expect((await cnnwbRuns('show', 'kept', '--db', db)).code).toBe(0);
    expect((await cnnwbRuns('compare', 'kept', 'kept', '--db', db)).code).toBe(0);
    const out = join(tempDir(), 'kept.export');
    expect((await cnnwbRuns('export', 'kept', out, '--db', db)).code).toBe(0);
    expect(sha(db)).toBe(hash);
    expect(readdirSync(dir).sort()).toEqual(before);
    // the export is complete: it imports into another workspace
    expect((await cnnwbRuns('import', out, '--db', join(tempDir(), 'other.db'))).stdout).toMatch(/imported 1 run\(s\)/);
  });

  it('without --db and no workspace yet, list says so and creates neither the workspace nor its folder', async () => {
    const config = tempDir();
    process.env.XDG_CONFIG_HOME = config;
    const r = await cnnwbRuns('list');
    expect(r).toEqual({ code: 0, stdout: `no runs yet (no workspace at ${join(config, 'cnn-workbench', 'workspace.db')})\n`, stderr: '' });
    expect(readdirSync(config)).toEqual([]);
    expect((await cnnwbRuns('show', '1')).stderr).toBe(`cnnwb runs: no workspace at ${join(config, 'cnn-workbench', 'workspace.db')}\n`);
    expect(readdirSync(config)).toEqual([]);
  });

  it.skipIf(!isRoot)('a workspace on read-only media can be listed, shown and exported (tmpfs remounted ro; needs root)', async () => {
    const mount = tempDir('cnnwb-ro-');
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4M', 'tmpfs', mount]);
    try {
      mkdirSync(join(mount, 'ws'));
      const db = join(mount, 'ws', 'workspace.db');
      seed(db);
      execFileSync('mount', ['-o', 'remount,ro', mount]);
      const list = await cnnwbRuns('list', '--db', db);
      expect(list.stderr).toBe('');
      expect(list.stdout).toMatch(/kept\s+completed\s+5/);
      expect((await cnnwbRuns('show', 'kept', '--db', db, '--json')).stdout).toContain('"checkpoints": 1');
      const out = join(tempDir(), 'kept.export');
      expect(await cnnwbRuns('export', 'kept', out, '--db', db)).toMatchObject({ code: 0, stderr: '' });
      expect((await cnnwbRuns('import', out, '--db', join(tempDir(), 'other.db'))).code).toBe(0);
      // writing commands say why they cannot, in one line
      const del = await cnnwbRuns('delete', 'kept', '--db', db);
      expect(del.code).not.toBe(0);
      expect(del.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(del.stderr).toContain(db);
    } finally {
      execFileSync('umount', [mount]);
      rmSync(mount, { recursive: true, force: true });
    }
  });
});
