import Database from 'better-sqlite3';
import { Drafts } from './drafts';
import { WorkspaceOpenError } from './errors';
import { inspectWorkspaceFile } from './inspect';
import { migrate } from './schema';

export { defaultWorkspacePath } from './paths';
export { WorkspaceOpenError } from './errors';

/** How long a connection waits for another connection's write lock before failing (ms). */
export const BUSY_TIMEOUT_MS = 10_000;

/** One open workspace file: a single better-sqlite3 connection and the stores built on it. */
export class Workspace {
  readonly drafts: Drafts;

  constructor(
    readonly path: string,
    readonly db: Database.Database,
  ) {
    this.drafts = new Drafts(db);
  }

  /** PRAGMA integrity_check: 'ok' or the problems SQLite lists. */
  checkIntegrity(): string[] {
    return (this.db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/**
 * Opens (or creates) the workspace at `path`: WAL, foreign keys, busy timeout, schema migrated.
 * A file that is not a workspace, is damaged, or comes from a newer version throws
 * WorkspaceOpenError naming the file, and is not written to.
 */
export function openWorkspace(path: string): Workspace {
  inspectWorkspaceFile(path);
  let db: Database.Database;
  try {
    db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
  } catch (e) {
    throw new WorkspaceOpenError(path, 'unreadable', `cannot be opened (${(e as Error).message})`);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db);
  } catch (e) {
    db.close();
    throw e instanceof WorkspaceOpenError ? e : new WorkspaceOpenError(path, 'unreadable', `cannot be prepared as a workspace (${(e as Error).message})`);
  }
  return new Workspace(path, db);
}
