import { useStore } from 'zustand';
import { createEditorStore, type EditorActions, type EditorState } from '../document/editor-store';

/** The one editor document store of this window; React components only read it. */
export const editorStore = createEditorStore();

export function useEditor<T>(selector: (state: EditorState & EditorActions) => T): T {
  return useStore(editorStore, selector);
}
