import Database from 'better-sqlite3';
import { accessSync, closeSync, constants, existsSync, openSync, readFileSync, readSync, statSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { WorkspaceOpenError } from './errors';
import { APPLICATION_ID, APPLICATION_NAME, SCHEMA_VERSION } from './schema';

const SQLITE_MAGIC = 'SQLite format 3\u0000';

/** What is at a path before anything is written to it. */
export type WorkspaceFileState = { kind: 'absent' } | { kind: 'workspace'; schemaVersion: number };

function readHeader(file: string): Buffer {
  const header = Buffer.alloc(100);
  const fd = openSync(file, 'r');
  try {
    const n = readSync(fd, header, 0, 100, 0);
    return header.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

function isCorruption(e: unknown): boolean {
  const code = (e as { code?: string }).code ?? '';
  return code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_NOTADB');
}

/**
 * Decides, without writing a byte, whether `file` is absent (or empty), a workspace this version
 * can open, or something else — which throws WorkspaceOpenError naming the file.
 */
export function inspectWorkspaceFile(file: string): WorkspaceFileState {
  let size: number;
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new WorkspaceOpenError(file, 'not-a-workspace', 'is a folder, not a workspace file');
    size = st.size;
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return { kind: 'absent' };
    if (e instanceof WorkspaceOpenError) throw e;
    throw new WorkspaceOpenError(file, 'unreadable', `cannot be read (${(e as Error).message})`);
  }
  if (size === 0 && !existsSync(`${file}-wal`)) return { kind: 'absent' };

  const header = readHeader(file);
  if (header.length < 100 || header.toString('latin1', 0, 16) !== SQLITE_MAGIC)
    throw new WorkspaceOpenError(file, 'not-a-workspace', 'is not a CNN Workbench workspace (not an SQLite database file)');
  const applicationId = header.readUInt32BE(68);
  if (applicationId !== 0 && applicationId !== APPLICATION_ID)
    throw new WorkspaceOpenError(
      file,
      'not-a-workspace',
      `is not a CNN Workbench workspace (an SQLite database of another application, application_id 0x${applicationId.toString(16)})`,
    );
  const pageSize = header.readUInt16BE(16) === 1 ? 65536 : header.readUInt16BE(16);
  const headerPages = header.readUInt32BE(28);
  const headerPagesValid = header.readUInt32BE(92) === header.readUInt32BE(24);
  if (headerPagesValid && headerPages > 0 && size < headerPages * pageSize && !existsSync(`${file}-wal`))
    throw new WorkspaceOpenError(file, 'corrupt', `is damaged: it is ${size} bytes but its header says ${headerPages * pageSize} (truncated)`);

  let db: Database.Database | undefined;
  let close = () => {};
  try {
    ({ db, close } = openReadOnlyConnection(file));
    const hasMeta = db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'meta'`).get();
    if (!hasMeta) throw new WorkspaceOpenError(file, 'not-a-workspace', 'is not a CNN Workbench workspace (an SQLite database without its meta table)');
    const app = db.prepare(`SELECT value FROM meta WHERE key = 'application'`).get() as { value: string } | undefined;
    if (app?.value !== APPLICATION_NAME)
      throw new WorkspaceOpenError(
        file,
        'not-a-workspace',
        `is not a CNN Workbench workspace (its meta table names ${app ? JSON.stringify(app.value) : 'no application'})`,
      );
    const schemaVersion = db.pragma('user_version', { simple: true }) as number;
    if (schemaVersion > SCHEMA_VERSION)
      throw new WorkspaceOpenError(
        file,
        'newer-version',
        `was written by a newer CNN Workbench (workspace schema ${schemaVersion}; this version reads up to ${SCHEMA_VERSION}); it was left unchanged`,
      );
    return { kind: 'workspace', schemaVersion };
  } catch (e) {
    if (e instanceof WorkspaceOpenError) throw e;
    if (isCorruption(e)) throw new WorkspaceOpenError(file, 'corrupt', `is damaged and cannot be opened as a workspace (${(e as Error).message}); it was left unchanged`);
    throw new WorkspaceOpenError(file, 'unreadable', `cannot be opened as a workspace (${(e as Error).message})`);
  } finally {
    close();
  }
}

function folderIsWritable(file: string): boolean {
  try {
    accessSync(dirname(file), constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * A read-only connection that writes nothing: a reader of a WAL file creates the -wal/-shm
 * sidecars, and they are removed again on close when they were ours and hold nothing. Where they
 * cannot be created (a read-only file system or folder) and there is no -wal to read, the file is
 * read into memory instead (its header marked rollback-journal, as an in-memory database must be).
 */
export function openReadOnlyConnection(file: string): { db: Database.Database; close: () => void } {
  const hadSidecars = existsSync(`${file}-wal`) || existsSync(`${file}-shm`);
  const close = (db: Database.Database) => () => {
    if (db.open) db.close();
    if (!hadSidecars) removeEmptySidecars(file);
  };
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: 5000 });
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
    return { db, close: close(db) };
  } catch (e) {
    if (db) close(db)();
    if ((e as { code?: string }).code !== 'SQLITE_CANTOPEN' || folderIsWritable(file) || existsSync(`${file}-wal`)) throw e;
    const bytes = readFileSync(file);
    if (bytes[18] === 2) bytes[18] = bytes[19] = 1;
    const memory = new Database(bytes, { readonly: true });
    return { db: memory, close: close(memory) };
  }
}

function removeEmptySidecars(file: string): void {
  try {
    if (existsSync(`${file}-wal`) && statSync(`${file}-wal`).size > 0) return;
    for (const sidecar of [`${file}-wal`, `${file}-shm`]) if (existsSync(sidecar)) unlinkSync(sidecar);
  } catch {
    // best effort: a sidecar we cannot remove is harmless
  }
}
