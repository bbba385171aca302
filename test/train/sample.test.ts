/**
 * The short version of the Fashion-MNIST goal that CI runs: the simpleNN 3-layer template on the
 * shipped sample (2700 training images), through the CLI and its worker, must reach a test
 * accuracy far above chance (10%), be recorded in the workspace, and give a model that `cnnwb eval`
 * scores the same. The full-data figures are in the README (npm run bench / the training table).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { openWorkspace } from '../../core/store/workspace';

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { code, stdout, stderr };
}

describe('training the 3-layer template on the shipped sample', () => {
  it('reaches far above chance, is recorded, and the saved model evaluates the same', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cnnwb-train-'));
    const db = join(dir, 'ws.db');
    const model = join(dir, 'model.json');
    const r = await run(['train', 'resources/templates/simplenn-3layer.json', '--data', 'sample', '--optimizer', 'adam', '--epochs', '2', '--seed', '3', '--db', db, '--out', model, '--json']);
    expect(r.stderr).toContain('epoch 2: train loss');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.status).toBe('completed');
    expect(summary.testAccuracy).toBeGreaterThan(0.55);
    const ws = openWorkspace(db);
    const stored = ws.runs.get(summary.runId)!;
    expect(stored.status).toBe('completed');
    expect(ws.series.epochs(summary.runId).length).toBe(2);
    ws.close();
    const evaluated = await run(['eval', model, '--data', 'sample', '--json']);
    expect(evaluated.code).toBe(0);
    expect(JSON.parse(evaluated.stdout).accuracy).toBeCloseTo(summary.testAccuracy, 10);
    expect(JSON.parse(readFileSync(model, 'utf8')).preprocessing.mean).toBe('per-pixel');
  }, 300_000);
});
