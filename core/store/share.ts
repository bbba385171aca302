import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { checkRunsReadable, readingDamaged } from './damage';
import { digestRun, type RunDigest } from './digest';
import { StoreError, WorkspaceOpenError } from './errors';
import { inspectWorkspaceFile } from './inspect';
import { SCHEMA_VERSION } from './schema';
import type { Workspace } from './workspace';
import { openWorkspace } from './workspace';

/**
 * Sharing: a run or a whole experiment goes to one standalone file, itself a workspace (same
 * schema, rollback-journal mode so it is a single file) holding only what was exported, plus a
 * manifest in its meta table with each run's row counts and sha256 digest. Import checks the
 * file against its manifest, copies it in one transaction, checks the copy against the manifest
 * again, and rolls everything back when anything differs.
 */
export const EXPORT_FORMAT = 'cnnwb-export';
export const EXPORT_VERSION = 1;

export interface ExportManifest {
  format: typeof EXPORT_FORMAT;
  version: number;
  kind: 'run' | 'experiment';
  experiment: string;
  exportedAt: string;
  runs: ({ uid: string; name: string } & RunDigest)[];
}

export interface ImportResult {
  experiment: string;
  runs: { uid: string; id: number; name: string; originalName: string }[];
}

const TABLES_BY_RUN = ['step_metrics', 'epoch_metrics', 'layer_stats', 'checkpoints', 'evaluations'] as const;

function columnsOf(db: Database.Database, table: string): string[] {
  return (db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[]).filter((c) => c !== 'id' && c !== 'run_id');
}

/** Tables with their own ids keep their rows in id order, which the digest relies on for ties. */
const orderOf = (table: string) => (table === 'checkpoints' || table === 'evaluations' ? ' ORDER BY id' : '');

/** Runs body with `file` attached as `alias` (source files are only read: nothing writes to them). */
function withAttached<T>(db: Database.Database, file: string, alias: string, body: () => T): T {
  db.prepare(`ATTACH ? AS ${alias}`).run(file);
  try {
    return body();
  } finally {
    db.exec(`DETACH ${alias}`);
  }
}

/** Copies the rows `where` selects from the source's table into the same table of `target`, ids kept. */
function copyRows(source: Database.Database, target: Database.Database, table: string, columns: string[], where: string, ...params: unknown[]): void {
  const list = columns.join(', ');
  const insert = target.prepare(`INSERT INTO ${table} (${list}) VALUES (${columns.map(() => '?').join(', ')})`);
  for (const row of source.prepare(`SELECT ${list} FROM main.${table} WHERE ${where}${orderOf(table)}`).raw().iterate(...params)) insert.run(row as unknown[]);
}

const allColumnsOf = (db: Database.Database, table: string) => db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[];

/**
 * Writes run `runId`, or every run of experiment `experimentId`, to a new file `target`. The
 * workspace is only read (it may be open read-only, even on read-only media).
 */
export function exportToFile(ws: Workspace, what: { runId: number } | { experimentId: number }, target: string): ExportManifest {
  if (existsSync(target)) throw new StoreError(`${target} already exists; choose a new file name`);
  const runs = 'runId' in what ? [ws.runs.get(what.runId)] : ws.runs.list().filter((r) => r.experimentId === what.experimentId);
  if (runs.length === 0 || runs.some((r) => r === null))
    throw new StoreError('runId' in what ? `no run with id ${what.runId}` : `experiment ${what.experimentId} has no runs to export`);
  const experimentId = runs[0]!.experimentId;
  const runIds = runs.map((r) => r!.id);
  checkRunsReadable(ws.db, ws.path); // an archive must never lack rows silently

  const partial = `${target}.partial-${process.pid}`;
  rmSync(partial, { force: true });
  const fresh = openWorkspace(partial);
  try {
    fresh.db.pragma('journal_mode = DELETE');
    const source = ws.db;
    const copy = fresh.db;
    const manifest = readingDamaged(source, ws.path, () => source
      .transaction(() =>
        copy
          .transaction(() => {
            copyRows(source, copy, 'experiments', allColumnsOf(source, 'experiments'), 'id = ?', experimentId);
            const runColumns = allColumnsOf(source, 'runs').filter((c) => !c.startsWith('owner_') && c !== 'heartbeat_at');
            for (const id of runIds) {
              copyRows(source, copy, 'runs', runColumns, 'id = ?', id);
              for (const table of TABLES_BY_RUN) copyRows(source, copy, table, allColumnsOf(source, table), 'run_id = ?', id);
            }
            copy.prepare(`UPDATE runs SET status = 'interrupted', status_detail = 'exported while it was running' WHERE status = 'running'`).run();
            const manifest: ExportManifest = {
              format: EXPORT_FORMAT,
              version: EXPORT_VERSION,
              kind: 'runId' in what ? 'run' : 'experiment',
              experiment: runs[0]!.experiment,
              exportedAt: new Date().toISOString(),
              runs: runs.map((r) => ({ uid: r!.uid, name: r!.name, ...digestRun(source, 'main', r!.id) })),
            };
            for (const r of manifest.runs) {
              const copied = digestRun(copy, 'main', runs.find((run) => run!.uid === r.uid)!.id);
              if (copied.sha256 !== r.sha256) throw new StoreError(`export of run ${r.name}: the copy differs from the original`);
            }
            copy.prepare(`INSERT INTO meta (key, value) VALUES ('export', ?)`).run(JSON.stringify(manifest));
            return manifest;
          })
          .immediate(),
      )
      // deferred: a read snapshot of the workspace only, so a trainer recording into it meanwhile
      // is not held up by a long export
      .deferred());
    fresh.close();
    renameSync(partial, target);
    return manifest;
  } catch (e) {
    fresh.close();
    rmSync(partial, { force: true });
    throw e;
  }
}

/** Reads and checks an export file's manifest (and that the file is a workspace at all). */
export function readExportManifest(file: string): ExportManifest {
  const state = inspectWorkspaceFile(file);
  if (state.kind === 'absent') throw new StoreError(`${file}: no such file`);
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const text = db.prepare(`SELECT value FROM meta WHERE key = 'export'`).pluck().get() as string | undefined;
    if (!text) throw new StoreError(`${file}: is a workspace, not an export file (no export manifest)`);
    const manifest = JSON.parse(text) as ExportManifest;
    if (!Array.isArray(manifest.runs) || typeof manifest.experiment !== 'string') throw new StoreError(`${file}: the export manifest is malformed`);
    if (manifest.format !== EXPORT_FORMAT) throw new StoreError(`${file}: export manifest format is ${JSON.stringify(manifest.format)}`);
    if (manifest.version > EXPORT_VERSION) throw new StoreError(`${file}: export version ${manifest.version} was written by a newer CNN Workbench`);
    return manifest;
  } finally {
    db.close();
  }
}

function freeName(db: Database.Database, experimentId: number, name: string): string {
  const taken = (n: string) => db.prepare(`SELECT 1 FROM main.runs WHERE experiment_id = ? AND name = ?`).get(experimentId, n) !== undefined;
  if (!taken(name)) return name;
  for (let k = 1; ; k++) {
    const candidate = k === 1 ? `${name} (imported)` : `${name} (imported ${k})`;
    if (!taken(candidate)) return candidate;
  }
}

/**
 * Imports an export file: its experiment is merged by name (created if new), runs keep their uid
 * and get a new local id; a run name already taken in that experiment gets " (imported)".
 * All or nothing: a damaged file, a run already in this workspace, or a copy that does not match
 * the manifest leaves this workspace as it was.
 */
export function importFromFile(ws: Workspace, source: string): ImportResult {
  let manifest: ExportManifest;
  let schemaVersion: number;
  try {
    manifest = readExportManifest(source);
    schemaVersion = (inspectWorkspaceFile(source) as { schemaVersion: number }).schemaVersion;
  } catch (e) {
    if (e instanceof WorkspaceOpenError) throw new StoreError(`cannot import ${source}: ${e.message.slice(source.length + 2)}`);
    throw e;
  }
  if (schemaVersion >= SCHEMA_VERSION) return importChecked(ws, source, manifest);
  // written by an older version: bring a copy up to this schema first, the file itself untouched
  const upgraded = join(mkdtempSync(join(tmpdir(), 'cnnwb-import-')), 'export.db');
  try {
    copyFileSync(source, upgraded);
    openWorkspace(upgraded).close();
    return importChecked(ws, upgraded, manifest, source);
  } finally {
    rmSync(dirname(upgraded), { recursive: true, force: true });
  }
}

function importChecked(ws: Workspace, file: string, manifest: ExportManifest, source = file): ImportResult {
  const db = ws.db;
  return withAttached(db, file, 'src', () => {
    // the file against its own manifest first: a damaged or truncated export stops here
    for (const r of manifest.runs) {
      const id = db.prepare(`SELECT id FROM src.runs WHERE uid = ?`).pluck().get(r.uid) as number | undefined;
      if (id === undefined) throw new StoreError(`cannot import ${source}: run ${r.name} (${r.uid}) named in its manifest is missing`);
      const found = digestRun(db, 'src', id);
      if (found.sha256 !== r.sha256)
        throw new StoreError(
          `cannot import ${source}: run ${r.name} is incomplete or altered (expected ${JSON.stringify(r.counts)}, found ${JSON.stringify(found.counts)}, checksum differs)`,
        );
    }
    return db
      .transaction((): ImportResult => {
        const existing = manifest.runs.filter((r) => db.prepare(`SELECT 1 FROM main.runs WHERE uid = ?`).get(r.uid) !== undefined);
        if (existing.length > 0)
          throw new StoreError(`cannot import ${source}: ${existing.map((r) => `run ${r.name} (${r.uid.slice(0, 8)})`).join(', ')} already in this workspace`);
        const sourceExperiment = db.prepare(`SELECT name, notes, created_at FROM src.experiments WHERE name = ?`).get(manifest.experiment) as
          | { name: string; notes: string; created_at: number }
          | undefined;
        if (!sourceExperiment) throw new StoreError(`cannot import ${source}: experiment ${manifest.experiment} is missing`);
        db.prepare(`INSERT INTO main.experiments (name, notes, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING`).run(
          sourceExperiment.name,
          sourceExperiment.notes,
          sourceExperiment.created_at,
        );
        const experimentId = db.prepare(`SELECT id FROM main.experiments WHERE name = ?`).pluck().get(manifest.experiment) as number;
        const runColumns = columnsOf(db, 'runs').filter((c) => c !== 'experiment_id' && c !== 'name');
        const result: ImportResult = { experiment: manifest.experiment, runs: [] };
        for (const r of manifest.runs) {
          const oldId = db.prepare(`SELECT id FROM src.runs WHERE uid = ?`).pluck().get(r.uid) as number;
          const name = freeName(db, experimentId, r.name);
          const newId = Number(
            db
              .prepare(
                `INSERT INTO main.runs (experiment_id, name, ${runColumns.join(', ')}) SELECT ?, ?, ${runColumns.join(', ')} FROM src.runs WHERE id = ?`,
              )
              .run(experimentId, name, oldId).lastInsertRowid,
          );
          for (const table of TABLES_BY_RUN) {
            const columns = columnsOf(db, table).join(', ');
            db.prepare(`INSERT INTO main.${table} (run_id, ${columns}) SELECT ?, ${columns} FROM src.${table} WHERE run_id = ?${orderOf(table)}`).run(newId, oldId);
          }
          const copy = digestRun(db, 'main', newId);
          if (copy.sha256 !== r.sha256 || JSON.stringify(copy.counts) !== JSON.stringify(r.counts))
            throw new StoreError(`cannot import ${source}: the imported copy of run ${r.name} does not match the manifest; nothing was imported`);
          result.runs.push({ uid: r.uid, id: newId, name, originalName: r.name });
        }
        return result;
      })
      .immediate();
  });
}
