import type { ExportModelRequest, ImportModelResult, ModelExportFormat } from '../../../core/api/contract';
import { api } from '../api/workbench-api';
import { editorStore } from './editor-store-context';

/** What the model dialog (ModelDialog) is asked to do: export the open graph, or import an ONNX file. */
export type ModelDialogRequest = { mode: 'export'; format: ModelExportFormat } | { mode: 'import' };

let nativeDialogs = false;
let showModelDialog: (request: ModelDialogRequest | null) => void = () => undefined;

export function configureModelActions(options: { nativeDialogs: boolean; showModelDialog: (request: ModelDialogRequest | null) => void }) {
  nativeDialogs = options.nativeDialogs;
  showModelDialog = options.showModelDialog;
}

const state = () => editorStore.getState();

export function openExportDialog(format: ModelExportFormat): void {
  showModelDialog({ mode: 'export', format });
}

/** Electron asks for the file with its native dialog; the browser shows ModelDialog for a host path. */
export function importOnnx(): void {
  if (nativeDialogs) void importModelFrom(null);
  else showModelDialog({ mode: 'import' });
}

/** Exports the open graph; path null lets Electron ask with its native dialog. True when written. */
export async function exportModelTo(request: Omit<ExportModelRequest, 'graph'>): Promise<boolean> {
  try {
    const result = await api.exportModel({ ...request, graph: state().doc });
    if (result.status === 'cancelled') return false;
    if (result.status === 'error') {
      state().notify({ kind: 'error', text: result.message });
      return false;
    }
    state().notify({ kind: 'info', text: `Exported ${result.format === 'onnx' ? 'ONNX' : 'PyTorch'} to ${result.path} (${result.weights}).` });
    return true;
  } catch (e) {
    state().notify({ kind: 'error', text: (e as Error).message });
    return false;
  }
}

/** Applies an import: the graph replaces the document (one undo step), or the error is shown and nothing changes. */
export function acceptImported(result: ImportModelResult): boolean {
  if (result.status === 'cancelled') return false;
  if (result.status === 'error') {
    // The message lists every problem by node (result.problems holds them one by one).
    state().notify({ kind: 'error', text: `Could not import ${result.message}` });
    return false;
  }
  state().replace(result.graph, null);
  const w = result.weights;
  state().notify({ kind: 'info', text: `Imported ${result.fileName}: ${w.layers} layers, ${w.parameterCount.toLocaleString('en-US')} weights kept as "imported weights"${w.preprocessing ? ' with preprocessing' : ''}.` });
  return true;
}

export async function importModelFrom(path: string | null): Promise<boolean> {
  try {
    return acceptImported(await api.importModel(path));
  } catch (e) {
    state().notify({ kind: 'error', text: (e as Error).message });
    return false;
  }
}
