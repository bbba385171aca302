import type { GraphFile, OpenGraphResult } from '../../../core/api/contract';
import { emptyGraph } from '../document/node-factory';
import { api } from '../api/workbench-api';
import { autoLayout } from '../document/auto-layout';
import { editorStore } from './editor-store-context';
import { canvasDirection } from './viewport';

export const FIRST_TEMPLATE = 'simplenn-3layer';

/** What the browser's own file dialog (FileDialog) is asked to do; Electron uses native dialogs instead. */
export type FileDialogRequest = { mode: 'open' } | { mode: 'save'; suggestedPath: string };

let nativeDialogs = false;
let showFileDialog: (request: FileDialogRequest | null) => void = () => undefined;

export function configureFileActions(options: { nativeDialogs: boolean; showFileDialog: (request: FileDialogRequest | null) => void }) {
  nativeDialogs = options.nativeDialogs;
  showFileDialog = options.showFileDialog;
}

const state = () => editorStore.getState();

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

export function newGraph(): void {
  state().replace(emptyGraph(), null);
  state().notify({ kind: 'info', text: 'New graph (Undo brings the previous one back).' });
}

/** The template laid out for the canvas it is shown on (across a wide one, down a tall one). */
async function templateForCanvas(id: string): Promise<GraphFile> {
  return autoLayout(await api.getTemplate(id), canvasDirection());
}

/** The first start (no draft in the workspace): the simpleNN 3-layer template, not undoable. */
export async function startOnFirstTemplate(): Promise<void> {
  state().load(await templateForCanvas(FIRST_TEMPLATE), null, false);
}

export async function startFromTemplate(id: string): Promise<void> {
  try {
    const graph = await templateForCanvas(id);
    state().replace(graph, null);
    state().notify({ kind: 'info', text: `Started from the template "${graph.name}".` });
  } catch (e) {
    state().notify({ kind: 'error', text: (e as Error).message });
  }
}

/** Applies an open result: the graph replaces the document, or an error is shown and nothing else changes. */
export function acceptOpened(result: OpenGraphResult): boolean {
  if (result.status === 'cancelled') return false;
  if (result.status === 'error') {
    state().notify({ kind: 'error', text: `Could not open ${result.message}` });
    return false;
  }
  state().replace(result.graph, result.path);
  state().notify({ kind: 'info', text: `Opened ${result.path ?? result.fileName}.` });
  return true;
}

export async function openGraph(path?: string): Promise<void> {
  if (path !== undefined) {
    acceptOpened(await api.openGraphFile(path));
    return;
  }
  if (nativeDialogs) acceptOpened(await api.openGraphFile(null));
  else showFileDialog({ mode: 'open' });
}

export async function openUploaded(file: File): Promise<boolean> {
  return acceptOpened(await api.openGraphText(await file.text(), file.name));
}

export async function saveGraphTo(path: string | null): Promise<boolean> {
  const doc: GraphFile = state().doc;
  const result = await api.saveGraphFile(path, doc);
  if (result.status === 'cancelled') return false;
  if (result.status === 'error') {
    state().notify({ kind: 'error', text: result.message });
    return false;
  }
  // Edits made while the file was being written keep the document dirty.
  if (state().doc === doc) state().markSaved(result.path);
  else editorStore.setState({ filePath: result.path });
  state().notify({ kind: 'info', text: `Saved ${result.path}.` });
  return true;
}

export async function saveGraph(): Promise<void> {
  const path = state().filePath;
  if (path) await saveGraphTo(path);
  else await saveGraphAs();
}

export async function saveGraphAs(): Promise<void> {
  if (nativeDialogs) {
    await saveGraphTo(null);
    return;
  }
  const current = state().filePath;
  const name = `${state().doc.name.replace(/[^\w.-]+/g, '-') || 'graph'}.json`;
  showFileDialog({ mode: 'save', suggestedPath: current ?? name });
}

/** The browser's download of the graph file (no host path needed). */
export function downloadGraph(): void {
  const doc = state().doc;
  const blob = new Blob([`${JSON.stringify(doc, null, 2)}\n`], { type: 'application/json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = baseName(state().filePath ?? `${doc.name || 'graph'}.json`);
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
