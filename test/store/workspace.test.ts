import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, truncateSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openWorkspace, WorkspaceOpenError } from '../../core/store/workspace';
import { appDataFolder } from '../../core/store/paths';
import { APPLICATION_ID, SCHEMA_VERSION } from '../../core/store/schema';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cnnwb-ws-'));
});

function expectOpenError(file: string, problem: string) {
  const before = readFileSync(file);
  let error: unknown;
  try {
    openWorkspace(file).close();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(WorkspaceOpenError);
  expect((error as WorkspaceOpenError).problem).toBe(problem);
  expect((error as Error).message).toContain(file);
  expect(readFileSync(file).equals(before)).toBe(true);
  expect(existsSync(`${file}-wal`)).toBe(false);
  return error as WorkspaceOpenError;
}

describe('openWorkspace', () => {
  it('creates a workspace with WAL, foreign keys, busy timeout and the current schema', () => {
    const file = join(dir, 'sub-less.db');
    const ws = openWorkspace(file);
    expect(ws.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(ws.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(ws.db.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0);
    expect(ws.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(ws.db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    expect(ws.checkIntegrity()).toEqual(['ok']);
    ws.close();
  });

  it('saves and loads drafts across reopen', () => {
    const file = join(dir, 'w.db');
    const ws = openWorkspace(file);
    expect(ws.drafts.load('untitled-1')).toBeNull();
    ws.drafts.save('untitled-1', '{"nodes":[]}');
    ws.drafts.save('untitled-1', '{"nodes":[1]}');
    ws.drafts.save('other', '{}');
    expect(() => ws.drafts.save('bad', '{nope')).toThrow(/drafts.save\("bad"\): graphJson is not JSON/);
    ws.close();
    const again = openWorkspace(file);
    expect(again.drafts.load('untitled-1')).toBe('{"nodes":[1]}');
    expect(again.drafts.list().map((d) => d.key).sort()).toEqual(['other', 'untitled-1']);
    expect(again.drafts.delete('other')).toBe(true);
    expect(again.drafts.load('other')).toBeNull();
    again.close();
  });

  it('refuses a file that is not SQLite, leaving it unchanged', () => {
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'hello, these are my notes and not a database at all. '.repeat(10));
    expectOpenError(file, 'not-a-workspace');
  });

  it('refuses an SQLite database of another application, leaving it unchanged', () => {
    const file = join(dir, 'other.db');
    const db = new Database(file);
    db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
    db.close();
    expect(expectOpenError(file, 'not-a-workspace').message).toMatch(/without its meta table/);
    const withMeta = join(dir, 'other-meta.db');
    const db2 = new Database(withMeta);
    db2.exec(`CREATE TABLE meta (key TEXT, value TEXT); INSERT INTO meta VALUES ('application', 'someone-else')`);
    db2.close();
    expect(expectOpenError(withMeta, 'not-a-workspace').message).toMatch(/someone-else/);
  });

  it('refuses a workspace from a newer version, leaving it unchanged', () => {
    const file = join(dir, 'newer.db');
    openWorkspace(file).close();
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(expectOpenError(file, 'newer-version').message).toMatch(/newer CNN Workbench/);
  });

  it('refuses a damaged workspace (schema page overwritten), leaving it unchanged', () => {
    const file = join(dir, 'damaged.db');
    const ws = openWorkspace(file);
    ws.drafts.save('a', '{}');
    ws.close();
    const bytes = readFileSync(file);
    bytes.fill(0xa5, 100, 600);
    writeFileSync(file, bytes);
    expectOpenError(file, 'corrupt');
  });

  it('refuses a truncated workspace, leaving it unchanged', () => {
    const file = join(dir, 'truncated.db');
    const ws = openWorkspace(file);
    for (let i = 0; i < 50; i++) ws.drafts.save(`k${i}`, JSON.stringify({ pad: 'x'.repeat(2000) }));
    ws.close();
    truncateSync(file, Math.floor(statSync(file).size / 2));
    expectOpenError(file, 'corrupt');
  });

  it('treats an empty file as a new workspace', () => {
    const file = join(dir, 'empty.db');
    writeFileSync(file, '');
    const ws = openWorkspace(file);
    expect(ws.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    ws.close();
  });
});

describe('appDataFolder', () => {
  it('follows each platform convention', () => {
    expect(appDataFolder('linux', { XDG_CONFIG_HOME: '/x/cfg' }, '/home/u')).toBe('/x/cfg/cnn-workbench');
    expect(appDataFolder('linux', {}, '/home/u')).toBe('/home/u/.config/cnn-workbench');
    expect(appDataFolder('darwin', {}, '/Users/u')).toBe('/Users/u/Library/Application Support/CNN Workbench');
    expect(appDataFolder('win32', { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'C:\\Users\\u')).toContain('CNN Workbench');
  });
});
