import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main';

async function run(argv: string[]) {
  let stderr = '';
  const code = await main(argv, { stdout: { write: () => undefined }, stderr: { write: (s: string) => (stderr += s) } });
  return { code, stderr };
}

describe('cnnwb train options', () => {
  it.each([
    [['--average', '1'], '--average: expected a number in [0, 1), got 1'],
    [['--lr=-1'], '--lr: expected a number in (0, Infinity], got -1'],
    [['--batch', '0'], '--batch: expected a whole number >= 1, got 0'],
    [['--subsample', '2', '--optimizer', 'newton'], '--subsample: expected a number in (0, 1], got 2'],
  ])('%j: the error names the flag the user typed', async (flags, message) => {
    const r = await run(['train', 'resources/templates/simplenn-3layer.json', '--data', 'sample', '--no-store', ...flags]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`cnnwb train: ${message}`);
  });
});
