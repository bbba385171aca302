import { readFileSync, writeFileSync, renameSync } from 'node:fs';

export interface CliIO {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  /** --debug: print the stack trace after the one-line error. */
  debug?: boolean;
}

/** An error the user can act on: printed as one line "cnnwb <command>: <where>: <problem>", exit code 2. */
export class CliError extends Error {
  constructor(
    /** The file or flag; '' when the problem names its place itself. */
    readonly where: string,
    readonly problem: string,
    readonly exitCode = 2,
  ) {
    super(where ? `${where}: ${problem}` : problem);
    this.name = 'CliError';
  }
}

export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new CliError(path, err.code === 'ENOENT' ? 'no such file' : err.message);
  }
  if (text.trim() === '') throw new CliError(path, 'the file is empty');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError(path, `not valid JSON (${(e as Error).message})`);
  }
}

/** Writes through a temporary file and a rename, so a crash never leaves half a file. */
export function writeFileAtomic(path: string, text: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}
