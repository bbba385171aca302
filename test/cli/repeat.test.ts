/**
 * `cnnwb train --repeat <run>`: a stored run trained again from its stored settings retraces the
 * original exactly (epoch metrics, and the test accuracy when it runs to the end), is recorded as
 * a new run beside it, and reports where a run does not reproduce.
 */
import Database from 'better-sqlite3';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { openWorkspace } from '../../core/store/workspace';
import { tempDir } from '../store/helpers';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const TINY = join(repoRoot, 'test', 'store', 'fixtures', 'tiny-graph.json');

async function cnnwb(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { code, stdout, stderr };
}

describe('cnnwb train --repeat', () => {
  const db = join(tempDir('cnnwb-repeat-'), 'w.db');

  it('trains the original: 2 epochs of the tiny net on the sample, recorded as run 1', async () => {
    const r = await cnnwb(['train', TINY, '--data', 'sample', '--backend', 'js', '--epochs', '2', '--batch', '64', '--lr', '0.05', '--momentum', '0.9', '--seed', '11', '--flip', '--db', db, '--experiment', 'repro', '--name', 'first']);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^completed: test accuracy [\d.]+% \(run 1 /);
  });

  it('repeats its first epoch: identical, as a new run named after the original', async () => {
    const r = await cnnwb(['train', '--repeat', 'repro/first', '--epochs', '1', '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\n?repeat of run 1 \(run 2\): epoch 1 identical to the original/);
    const ws = openWorkspace(db);
    try {
      const [original, repeat] = [ws.runs.get(1)!, ws.runs.get(2)!];
      expect(repeat).toMatchObject({ experiment: 'repro', name: 'first repeat', seed: 11, backend: original.backend, graphJson: original.graphJson });
      const settings = (run: typeof original) => (run.hyperParameters as { config: Record<string, unknown> }).config;
      expect({ ...settings(repeat), epochs: 2 }).toEqual(settings(original));
      expect(ws.series.epochs(2)).toEqual(ws.series.epochs(1).slice(0, 1));
    } finally {
      ws.close();
    }
  });

  it('repeats the whole run: every epoch and the test accuracy identical (--json)', async () => {
    const r = await cnnwb(['train', '--repeat', '1', '--db', db, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.reproduction).toMatchObject({ original: 1, repeat: 3, epochsCompared: 2, identical: true });
    expect(out.reproduction.testAccuracy.repeat).toBe(out.reproduction.testAccuracy.original);
    expect(out.testAccuracy).toBe(out.reproduction.testAccuracy.original);
    const ws = openWorkspace(db);
    expect(ws.runs.get(3)!.name).toBe('first repeat 2');
    ws.close();
  });

  it('says where a run does not reproduce: the first differing epoch and metric', async () => {
    const writer = new Database(db);
    writer.prepare('UPDATE epoch_metrics SET val_acc = val_acc + 0.01 WHERE run_id = 1 AND epoch = 2').run();
    writer.close();
    const r = await cnnwb(['train', '--repeat', '1', '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/repeat of run 1 \(run 4\) differs from the original at epoch 2: valAccuracy [\d.]+ vs [\d.]+/);
  });

  it.each([
    [['--repeat', '1', '--lr', '0.1'], /^cnnwb train: --repeat: uses the original run's settings, data and backend; --lr cannot change them/],
    [['--repeat', '1', '--data', 'sample'], /^cnnwb train: --repeat: .* --data cannot change them/],
    [['--repeat', '1', TINY], /^cnnwb train: --repeat: takes the original run's graph; drop ".*tiny-graph\.json"/],
    [['--repeat', 'nope'], /^cnnwb train: --repeat: no run "nope" in this workspace$/],
    [['--repeat', '1', '--epochs', '0'], /^cnnwb train: --epochs: expected a whole number >= 1, got 0$/],
    [['--repeat', '1', '--resume', '1'], /^cnnwb train: --repeat: cannot be combined with --resume$/],
  ])('%j is refused in one line with exit code 2, and nothing is recorded', async (flags, message) => {
    const r = await cnnwb(['train', ...flags, '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const ws = openWorkspace(db);
    expect(ws.runs.list()).toHaveLength(4);
    ws.close();
  });

  it('refuses a run that started from a model file: its weights are not in the workspace', async () => {
    const dir = tempDir('cnnwb-repeat-model-');
    const [model, other] = [join(dir, 'model.json'), join(dir, 'w.db')];
    expect((await cnnwb(['init', TINY, '--seed', '3', '--out', model])).code).toBe(0);
    expect((await cnnwb(['train', model, '--data', 'sample', '--backend', 'js', '--epochs', '1', '--batch', '64', '--db', other])).code).toBe(0);
    const r = await cnnwb(['train', '--repeat', '1', '--db', other]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("cnnwb train: --repeat: run 1 started from a model file's weights, which the workspace does not keep; train again from that file");
    const ws = openWorkspace(other);
    expect(ws.runs.list()).toHaveLength(1);
    ws.close();
  });
});
