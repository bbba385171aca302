import { MemoryLimitError } from '../core/graph/memory';
import { StoreError, WorkspaceFault, WorkspaceOpenError } from '../core/store/errors';
import { CliError, type CliIO } from './io';

/** Problems with the user's input: exit code 2. Faults of the machine (disk full, damaged file, I/O): 1. */
const INPUT_ERRNOS = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'EEXIST', 'EACCES', 'EPERM', 'EROFS']);

function oneLine(message: string): string {
  return message.split('\n')[0].trim();
}

/**
 * Prints what went wrong as one line `cnnwb <command>: <where>: <problem>` and returns the exit
 * code: 2 for bad input, 1 for a fault. A stack trace only with --debug (io.debug).
 */
export function reportFailure(command: string, e: unknown, io: CliIO): number {
  let line: string;
  let code: number;
  if (e instanceof CliError) [line, code] = [e.message, e.exitCode];
  else if (e instanceof WorkspaceOpenError) [line, code] = [e.message, e.problem === 'corrupt' || e.problem === 'unreadable' ? 1 : 2];
  else if (e instanceof WorkspaceFault) [line, code] = [e.message, 1];
  else if (e instanceof StoreError) [line, code] = [e.message, 2];
  else if (e instanceof MemoryLimitError) [line, code] = [e.message, 2];
  else if (e instanceof Error && typeof (e as NodeJS.ErrnoException).path === 'string') {
    const err = e as NodeJS.ErrnoException;
    const reason = err.code === 'ENOENT' ? 'no such file or folder' : err.code === 'ENOSPC' ? 'disk full' : (err.message.split(': ')[1] ?? err.message).split(',')[0];
    [line, code] = [`${err.path}: ${reason}`, INPUT_ERRNOS.has(err.code ?? '') ? 2 : 1];
  } else [line, code] = [`${e instanceof Error ? e.message : String(e)} (unexpected: run again with --debug for the details)`, 1];
  io.stderr.write(`cnnwb ${command}: ${oneLine(line)}\n`);
  if (io.debug && e instanceof Error && e.stack) io.stderr.write(`${e.stack}\n`);
  return code;
}
