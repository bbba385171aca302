import { api } from '../api/workbench-api';
import { editorStore } from './editor-store-context';

const DELAY_MS = 300;

export type AutosaveStatus = 'idle' | 'pending' | 'saved' | 'failed';

/**
 * Keeps the open document in the workspace: every change to the graph, its file or its dirty flag
 * is written (debounced) with saveDraft, so a crash or a reload loses nothing.
 */
export function startAutosave(onStatus: (status: AutosaveStatus, detail?: string) => void): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let saving = Promise.resolve();
  const flush = () => {
    timer = null;
    const { doc, filePath, dirty } = editorStore.getState();
    saving = saving
      .then(() => api.saveDraft({ graph: doc, filePath, dirty }))
      .then(
        () => onStatus(timer ? 'pending' : 'saved'),
        (e: Error) => onStatus('failed', e.message),
      );
  };
  const unsubscribe = editorStore.subscribe((now, before) => {
    if (now.doc === before.doc && now.filePath === before.filePath && now.dirty === before.dirty) return;
    onStatus('pending');
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, DELAY_MS);
  });
  return () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
  };
}
