import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { OpenGraphResult, SaveGraphResult } from '../api/contract';
import { parseGraph, parseGraphText, GraphFormatError } from '../graph/parse';
import type { GraphFile } from '../graph/format';

/** Parses graph JSON; a malformed file becomes an error result naming the file and the place in it. */
export function openGraphText(text: string, fileName: string, path: string | null): OpenGraphResult {
  try {
    return { status: 'opened', graph: parseGraphText(text), path, fileName };
  } catch (e) {
    if (e instanceof GraphFormatError) return { status: 'error', fileName, where: e.where, message: `${fileName}: ${e.message}` };
    throw e;
  }
}

export function openGraphFile(path: string): OpenGraphResult {
  const fileName = basename(path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { status: 'error', fileName, where: 'file', message: `${path}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
  return openGraphText(text, fileName, path);
}

/** Writes the graph as pretty JSON, through a temporary file so a crash never leaves half a file. */
export function saveGraphFile(path: string, graph: GraphFile): SaveGraphResult {
  let checked: GraphFile;
  try {
    checked = parseGraph(graph);
  } catch (e) {
    return { status: 'error', message: `not saved: the graph is not well formed (${(e as Error).message})` };
  }
  const temp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, `${JSON.stringify(checked, null, 2)}\n`);
    renameSync(temp, path);
  } catch (e) {
    return { status: 'error', message: `${path}: cannot be written (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
  return { status: 'saved', path };
}
