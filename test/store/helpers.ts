import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runRunsCommand } from '../../cli/commands/runs';
import type { RunSpec } from '../../core/store/records';

export function tempDir(prefix = 'cnnwb-store-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export const GRAPH_3LAYER = readFileSync(new URL('../../resources/templates/simplenn-3layer.json', import.meta.url), 'utf8');

export function sampleSpec(overrides: Partial<RunSpec> = {}): RunSpec {
  return {
    experiment: 'fashion',
    graph: GRAPH_3LAYER,
    hyperParameters: { optimizer: 'sgd', lr: 0.01, momentum: 0.9, batchSize: 128, epochs: 2 },
    dataset: { name: 'fashion-mnist', fingerprint: 'sha256:0123abcd' },
    seed: 42,
    backend: 'reference',
    ...overrides,
  };
}

/** Deterministic bytes standing in for serialised weights. */
export function fakeBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** `cnnwb runs ARGV` in this process: its exit code and what it wrote. */
export async function cnnwbRuns(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runRunsCommand(argv, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { code, stdout, stderr };
}
