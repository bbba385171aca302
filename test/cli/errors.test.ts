/**
 * Every cnnwb error is one line naming the file or flag, with exit code 2 for bad input, and
 * every output path is checked before work starts (nothing trains for minutes and then fails to
 * write). Stack traces only with --debug.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { openWorkspace } from '../../core/store/workspace';
import { sampleSpec } from '../store/helpers';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const G = join(repoRoot, 'resources', 'templates', 'simplenn-3layer.json');
const dir = mkdtempSync(join(tmpdir(), 'cnnwb-cli-errors-'));
const p = (name: string) => join(dir, name);

async function cnnwb(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  writeFileSync(p('notes.txt'), 'not a workspace, just text. '.repeat(8));
  writeFileSync(p('existing-file'), 'x');
  mkdirSync(p('a-folder'));
  writeFileSync(p('batch.json'), JSON.stringify({ x: [[1, 2]], y: [0] }));
  expect((await cnnwb(['init', G, '--out', p('model.json')])).code).toBe(0);
  const ws = openWorkspace(p('w.db'));
  ws.startRun(sampleSpec({ name: 'only' })).finish('completed');
  ws.close();
});

// [arguments, exit code, what the one line must say]
const cases: [string, () => string[], number, RegExp][] = [
  ['train: data that does not exist', () => ['train', G, '--data', p('no-such-data'), '--no-store'], 2, /^cnnwb train: data source '.*no-such-data' is neither/],
  ['train: a --db that is not a workspace, named once', () => ['train', G, '--data', 'sample', '--db', p('notes.txt')], 2, /^cnnwb train: \S*notes\.txt: is not a CNN Workbench workspace/],
  ['train: a --db in a missing folder', () => ['train', G, '--data', 'sample', '--db', p('missing/w.db')], 2, /^cnnwb train: --db \S*missing\/w\.db: the folder \S*missing does not exist$/],
  ['train --lr -1', () => ['train', G, '--data', 'sample', '--no-store', '--lr', '-1'], 2, /^cnnwb train: --lr: expected a number in \(0, Infinity\], got -1$/],
  ['train --out with no value', () => ['train', G, '--data', 'sample', '--no-store', '--out'], 2, /^cnnwb train: --out: needs a value$/],
  ['train --out followed by another flag', () => ['train', G, '--data', 'sample', '--out', '--no-store'], 2, /^cnnwb train: --out: needs a value$/],
  ['train --out into a missing folder, checked before training', () => ['train', G, '--data', 'sample', '--no-store', '--out', p('missing/m.json')], 2, /^cnnwb train: --out \S*missing\/m\.json: the folder \S*missing does not exist$/],
  ['train --out onto a folder', () => ['train', G, '--data', 'sample', '--no-store', '--out', p('a-folder')], 2, /^cnnwb train: --out \S*a-folder: is a folder; name a file$/],
  ['train: an unknown option', () => ['train', G, '--data', 'sample', '--bogus'], 2, /^cnnwb train: --bogus: unknown option/],
  ['train --flip=yes', () => ['train', G, '--data', 'sample', '--flip=yes'], 2, /^cnnwb train: --flip: takes no value$/],
  ['train --resume of a run that is not there', () => ['train', '--resume', '99', '--db', p('w.db')], 2, /^cnnwb train: --resume: no run 99 in \S*w\.db$/],
  ['init into a missing folder', () => ['init', G, '--out', p('missing/m.json')], 2, /^cnnwb init: --out \S*missing\/m\.json: the folder \S*missing does not exist$/],
  ['init --seed x', () => ['init', G, '--out', p('m2.json'), '--seed', 'x'], 2, /^cnnwb init: --seed: expected a whole number/],
  ['init of a missing graph', () => ['init', p('nope.json'), '--out', p('m3.json')], 2, /^cnnwb init: \S*nope\.json: no such file$/],
  ['export --onnx into a missing folder', () => ['export', p('model.json'), '--onnx', p('missing/m.onnx')], 2, /^cnnwb export: --onnx \S*missing\/m\.onnx: the folder \S*missing does not exist$/],
  ['export --pytorch onto an existing file', () => ['export', p('model.json'), '--pytorch', p('existing-file')], 2, /^cnnwb export: --pytorch \S*existing-file: is a file; name a folder$/],
  ['export --pytorch under a missing folder', () => ['export', p('model.json'), '--pytorch', p('missing/deeper/out')], 2, /^cnnwb export: --pytorch \S*: the folder \S*missing\/deeper does not exist$/],
  ['import --out into a missing folder', () => ['import', p('x.onnx'), '--out', p('missing/m.json')], 2, /^cnnwb import: --out \S*missing\/m\.json: the folder/],
  ['grad with a missing batch', () => ['grad', p('model.json'), p('nope.json')], 2, /^cnnwb grad: \S*nope\.json: no such file$/],
  ['eval --split x', () => ['eval', p('model.json'), '--data', 'sample', '--split', 'x'], 2, /^cnnwb eval: --split: expected test or train/],
  ['runs export into a missing folder', () => ['runs', 'export', 'only', p('missing/x.export'), '--db', p('w.db')], 2, /^cnnwb runs: export \S*missing\/x\.export: the folder \S*missing does not exist$/],
  ['runs show of an unknown run', () => ['runs', 'show', 'nope', '--db', p('w.db')], 2, /^cnnwb runs: no run "nope" in this workspace$/],
  ['runs list of a file that is not a workspace', () => ['runs', 'list', '--db', p('notes.txt')], 2, /^cnnwb runs: \S*notes\.txt: is not a CNN Workbench workspace/],
  ['runs show without its argument', () => ['runs', 'show', '--db', p('w.db')], 2, /^cnnwb runs: show: expected 1 argument\(s\), got 0/],
  ['runs frobnicate', () => ['runs', 'frobnicate'], 2, /^cnnwb runs: frobnicate: unknown subcommand/],
  ['an unknown command', () => ['frobnicate'], 2, /^cnnwb: unknown command "frobnicate"/],
];

describe('cnnwb errors: one line, exit 2, the place named', () => {
  it.each(cases)('%s', async (_what, args, code, line) => {
    const before = readdirSync(dir).sort();
    const r = await cnnwb(args());
    expect(r.stderr.endsWith('\n')).toBe(true);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr.trimEnd()).toMatch(line);
    expect(r.stderr).not.toMatch(/(\w+): \1:/); // no doubled prefix ("train: train:", "w.db: w.db:")
    expect(r.code).toBe(code);
    expect(readdirSync(dir).sort()).toEqual(before); // nothing created, not even the missing folder
  }, 60_000);

  it('prints the stack trace only with --debug (through the real command)', () => {
    const bin = join(repoRoot, 'bin', 'cnnwb.js');
    const plain = spawnSync(process.execPath, [bin, 'init', G, '--out', p('missing/m.json')], { encoding: 'utf8' });
    expect(plain.status).toBe(2);
    expect(plain.stderr.trimEnd().split('\n')).toHaveLength(1);
    const debug = spawnSync(process.execPath, [bin, 'init', G, '--out', p('missing/m.json'), '--debug'], { encoding: 'utf8' });
    expect(debug.status).toBe(2);
    expect(debug.stderr.split('\n')[0]).toBe(plain.stderr.trimEnd());
    expect(debug.stderr).toMatch(/\n\s+at checkOutputFile/);
    expect(existsSync(p('missing'))).toBe(false);
  }, 60_000);
});
