/** Why a file could not be opened as a workspace. */
export type WorkspaceOpenProblem = 'not-a-workspace' | 'newer-version' | 'corrupt' | 'unreadable';

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
    super(`${file}: ${detail}`);
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
