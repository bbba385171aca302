import { accessSync, constants, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CliError } from './io';

function stat(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CliError(path, `cannot be checked (${(e as Error).message})`);
  }
}

function writableFolder(folder: string, what: string): void {
  const st = stat(folder);
  if (!st) throw new CliError(what, `the folder ${folder} does not exist`);
  if (!st.isDirectory()) throw new CliError(what, `${folder} is not a folder`);
  try {
    accessSync(folder, constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(what, `cannot write into ${folder} (${code === 'EROFS' ? 'a read-only file system' : code === 'EACCES' ? 'permission denied' : (e as Error).message})`);
  }
}

/**
 * Checks, before any work starts, that a file can be written at `path`: not a folder, its folder
 * exists and is writable (files are written through a temporary file and a rename beside them).
 */
export function checkOutputFile(path: string, flag: string): void {
  const what = `${flag} ${path}`;
  if (stat(path)?.isDirectory()) throw new CliError(what, 'is a folder; name a file');
  writableFolder(dirname(resolve(path)), what);
}

/** The same for a folder that receives files: an existing folder, or a new one whose parent is writable. */
export function checkOutputFolder(path: string, flag: string): void {
  const what = `${flag} ${path}`;
  const st = stat(path);
  if (st && !st.isDirectory()) throw new CliError(what, 'is a file; name a folder');
  writableFolder(st ? path : dirname(resolve(path)), what);
}
