import type { ReactFlowInstance } from '@xyflow/react';
import type { MenuCommand } from '../../../core/api/contract';
import { editorStore } from './editor-store-context';
import { newGraph, openGraph, saveGraph, saveGraphAs } from './file-actions';
import { importOnnx, openExportDialog } from './model-actions';
import { canvasDirection, fitLegibly } from './viewport';

function isTextField(el: Element | null): boolean {
  return el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement || (el instanceof HTMLElement && el.isContentEditable);
}

/** Runs one editor command, from the toolbar, a shortcut or the Electron menu. */
export function runCommand(command: MenuCommand, flow: ReactFlowInstance | null): void {
  const s = editorStore.getState();
  if (typeof command === 'object') {
    void openGraph(command.openRecent);
    return;
  }
  // In a text field, edit commands belong to the field.
  if (isTextField(document.activeElement) && ['undo', 'redo', 'copy', 'paste', 'delete', 'selectAll'].includes(command)) {
    document.execCommand(command === 'selectAll' ? 'selectAll' : command);
    return;
  }
  switch (command) {
    case 'new':
      return newGraph();
    case 'open':
      return void openGraph();
    case 'save':
      return void saveGraph();
    case 'saveAs':
      return void saveGraphAs();
    case 'exportOnnx':
      return openExportDialog('onnx');
    case 'exportPytorch':
      return openExportDialog('pytorch');
    case 'importOnnx':
      return importOnnx();
    case 'undo':
      return s.undo();
    case 'redo':
      return s.redo();
    case 'copy': {
      const content = s.copy();
      if (content) void navigator.clipboard?.writeText(JSON.stringify(content)).catch(() => undefined);
      return;
    }
    case 'paste':
      return s.paste();
    case 'delete':
      return s.deleteSelection();
    case 'selectAll':
      return s.selectAll();
    case 'autoLayout':
      s.layout(canvasDirection());
      setTimeout(() => flow && fitLegibly(flow, { duration: 200 }), 0);
      return;
    case 'fitView':
      return void (flow && fitLegibly(flow, { duration: 200 }));
    case 'toggleMiniMap':
      return s.toggleMiniMap();
  }
}

/** Keyboard shortcuts of the browser build; in Electron the application menu owns them. */
export function shortcutFor(event: KeyboardEvent): MenuCommand | null {
  const mod = event.ctrlKey || event.metaKey;
  const key = event.key.toLowerCase();
  if (mod && key === 'z') return event.shiftKey ? 'redo' : 'undo';
  if (mod && key === 'y') return 'redo';
  if (mod && key === 's') return event.shiftKey ? 'saveAs' : 'save';
  if (mod && key === 'o') return 'open';
  if (mod && key === 'c') return 'copy';
  if (mod && key === 'v') return 'paste';
  if (mod && key === 'a') return 'selectAll';
  if (mod && event.altKey && key === 'n') return 'new';
  if (mod && event.shiftKey && key === 'l') return 'autoLayout';
  if (!mod && (key === 'delete' || key === 'backspace')) return 'delete';
  return null;
}

export function isTextFieldFocused(): boolean {
  return isTextField(document.activeElement);
}
