/** Why a file could not be opened as a workspace. */
export type WorkspaceOpenProblem = 'absent' | 'not-a-workspace' | 'newer-version' | 'older-version' | 'corrupt' | 'unreadable';

/**
 * A file that cannot be used as a workspace. The message names the file; the file itself has
 * not been written to (it is only ever opened read-only until it is known to be a workspace).
 */
export class WorkspaceOpenError extends Error {
  constructor(
    readonly file: string,
    readonly problem: WorkspaceOpenProblem,
    detail: string,
  ) {
    super(problem === 'absent' ? detail : `${file}: ${detail}`);
    this.name = 'WorkspaceOpenError';
  }
}

/** A request the store cannot honour: an unknown run, a bad argument, an incomplete import. */
export class StoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreError';
  }
}

/** What went wrong with a workspace while it was in use (it opened fine). */
export type WorkspaceFaultKind = 'disk-full' | 'damaged' | 'read-only' | 'io';

/**
 * The workspace could not be written or read while in use: the disk filled up, a page turned out
 * to be damaged, the file became read-only. The message names the file and what to do.
 */
export class WorkspaceFault extends Error {
  constructor(
    readonly file: string,
    readonly fault: WorkspaceFaultKind,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'WorkspaceFault';
  }
}

/** The fault an SQLite error stands for, or null when it is none of these. */
export function faultKindOf(e: unknown): WorkspaceFaultKind | null {
  const code = (e as { code?: unknown }).code;
  if (typeof code !== 'string') return null;
  if (code === 'SQLITE_FULL') return 'disk-full';
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return 'damaged';
  if (code.startsWith('SQLITE_READONLY')) return 'read-only';
  if (code.startsWith('SQLITE_IOERR')) return 'io';
  return null;
}
