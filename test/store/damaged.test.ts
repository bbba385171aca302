/**
 * Damaged pages that the open does not read (it checks the header and the schema) and a later
 * query meets: one line naming the workspace, what could not be read and how to save the rest;
 * and an export never writes an archive that silently lacks rows. The damage is made by
 * overwriting pages of a table's B-tree (found with the dbstat table).
 */
import Database from 'better-sqlite3';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeTensorStats } from '../../core/store/tensorStats';
import { openWorkspace } from '../../core/store/workspace';
import { cnnwbRuns, fakeBytes, sampleSpec, tempDir } from './helpers';

function seed(file: string): void {
  const ws = openWorkspace(file);
  const gradient = new Float32Array(100).map((_, i) => Math.sin(i));
  for (const name of ['a', 'b']) {
    const rec = ws.startRun(sampleSpec({ name }), { statsEvery: 1 });
    for (let s = 1; s <= 200; s++) {
      rec.step({ step: s, epoch: 0, loss: 1 / s, lr: 0.1, stepMs: 1, imagesPerSec: 100 });
      for (const layerId of ['c1', 'c2']) rec.layerStats({ step: s, layerId, tensor: 'dW', stats: computeTensorStats(gradient) });
    }
    rec.checkpoint({ step: 200, epoch: 0, weights: fakeBytes(512, 1), optimizerState: null, trainerState: {} });
    rec.finish('completed');
  }
  for (let i = 0; i < 20; i++) ws.drafts.save(`draft-${i}`, JSON.stringify({ pad: 'x'.repeat(1500) }));
  ws.close();
}

/** Overwrites one page of `table`'s B-tree: 'garbage' fills it with 0xa5, 'empty' makes it a valid-looking empty leaf (its rows vanish without an error). */
function damage(file: string, table: string, page: 'leaf' | 'root', how: 'garbage' | 'empty'): void {
  const db = new Database(file); // not read-only: closing it removes the -wal and -shm it makes
  const pages = db.prepare(`SELECT pageno, pagetype FROM dbstat WHERE name = ? ORDER BY pageno`).all(table) as { pageno: number; pagetype: string }[];
  const root = db.prepare(`SELECT rootpage FROM sqlite_schema WHERE name = ?`).pluck().get(table) as number;
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.close();
  const pageno = page === 'root' ? root : pages.find((p) => p.pagetype === 'leaf' && p.pageno !== root)!.pageno;
  expect(pages.length).toBeGreaterThan(2);
  const bytes = readFileSync(file);
  const offset = (pageno - 1) * pageSize;
  if (how === 'garbage') bytes.fill(0xa5, offset, offset + pageSize);
  else {
    bytes.fill(0, offset, offset + pageSize);
    bytes[offset] = table === 'drafts' ? 0x0d : 0x0a; // an empty leaf: table B-tree 0x0d, WITHOUT ROWID (index) B-tree 0x0a
    bytes.writeUInt16BE(pageSize === 65536 ? 0 : pageSize, offset + 5); // cell content starts at the end: no cells
  }
  writeFileSync(file, bytes);
}

const oneLine = (s: string) => s.trimEnd().split('\n');

describe('a workspace with damaged pages', () => {
  it('garbage in a layer-statistics page: show and export say what cannot be read and how to save the rest; list still works', async () => {
    const dir = tempDir();
    const db = join(dir, 'w.db');
    seed(db);
    damage(db, 'layer_stats', 'leaf', 'garbage');
    expect((await cnnwbRuns('list', '--db', db)).stdout).toMatch(/a\s+completed\s+200/);

    const show = await cnnwbRuns('show', 'a', '--db', db);
    expect(show.code).toBe(1);
    expect(oneLine(show.stderr)).toHaveLength(1);
    expect(show.stderr).toContain(`cnnwb runs: ${db}: is damaged: the layer statistics could not be read (database disk image is malformed); to save the rest: sqlite3 ${db} .recover`);
    expect(show.stderr).not.toMatch(/\n\s+at /);

    const archive = join(dir, 'a.export');
    const exported = await cnnwbRuns('export', 'a', archive, '--db', db);
    expect(exported.code).toBe(1);
    expect(oneLine(exported.stderr)).toHaveLength(1);
    expect(exported.stderr).toContain('the layer statistics could not be read');
    expect(readdirSync(dir).sort()).toEqual(['w.db']); // no archive, no partial file
  });

  it('an emptied B-tree root (rows gone without an SQLite error): export refuses instead of writing an archive without them', async () => {
    const dir = tempDir();
    const db = join(dir, 'w.db');
    seed(db);
    damage(db, 'layer_stats', 'root', 'empty');
    // the damage is silent to an ordinary query: the run shows with no statistics
    expect(JSON.parse((await cnnwbRuns('show', 'a', '--db', db, '--json')).stdout).counts.layerStats).toBe(0);
    const archive = join(dir, 'a.export');
    const exported = await cnnwbRuns('export', 'a', archive, '--db', db);
    expect(exported.code).toBe(1);
    expect(oneLine(exported.stderr)).toHaveLength(1);
    expect(exported.stderr).toMatch(/is damaged: \d+ pages that no table reaches any more \(rows lost from some table\) could not be read .*no run here can be trusted to be complete/);
    expect(existsSync(archive)).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['w.db']);
  });

  it('damage only in the editor drafts: the runs are intact and export saves them', async () => {
    const dir = tempDir();
    const db = join(dir, 'w.db');
    seed(db);
    damage(db, 'drafts', 'leaf', 'garbage');
    const archive = join(dir, 'all.export');
    const exported = await cnnwbRuns('export', 'fashion', archive, '--db', db);
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    const imported = await cnnwbRuns('import', archive, '--db', join(dir, 'saved.db'), '--json');
    expect(JSON.parse(imported.stdout).runs).toHaveLength(2);
    const show = JSON.parse((await cnnwbRuns('show', 'a', '--db', join(dir, 'saved.db'), '--json')).stdout);
    expect(show.counts).toMatchObject({ steps: 200, layerStats: 400, checkpoints: 1 });
  });
});
