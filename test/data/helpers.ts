import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';

/** A temp folder removed after the test file; `file(name, bytes)` writes into it. */
export function tempFolder(prefix: string) {
  const root = mkdtempSync(join(tmpdir(), `cnnwb-${prefix}-`));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  return {
    root,
    path: (name: string) => join(root, name),
    file(name: string, content: Uint8Array | string): string {
      const p = join(root, name);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, content);
      return p;
    },
  };
}

/** The error message a function throws (sync or async), or fails the test when it does not throw. */
export async function messageOf(fn: () => unknown): Promise<string> {
  try {
    await fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error, none was thrown');
}
