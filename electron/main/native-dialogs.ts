/**
 * Calls that need a person to pick a file (a null path) get a native dialog in main; the service
 * then gets the chosen path, exactly as the browser host's service gets a typed one.
 */
import { dialog, type BrowserWindow } from 'electron';
import type { CallName, ExportModelRequest, GraphFile } from '../../core/api/contract';
import type { ServiceClient } from './service-client';

export async function withDialogs(service: Pick<ServiceClient, 'call'>, window: BrowserWindow | null, name: CallName, args: unknown[]): Promise<unknown> {
  if (name === 'openGraphFile' && args[0] === null) {
    const picked = await dialog.showOpenDialog(window!, {
      title: 'Open graph',
      properties: ['openFile'],
      filters: [{ name: 'Graph files', extensions: ['json'] }],
    });
    if (picked.canceled || picked.filePaths.length === 0) return { status: 'cancelled' };
    return service.call(name, [picked.filePaths[0]]);
  }
  if (name === 'saveGraphFile' && args[0] === null) {
    const graph = args[1] as GraphFile;
    const picked = await dialog.showSaveDialog(window!, {
      title: 'Save graph as',
      defaultPath: `${graph?.name || 'graph'}.json`,
      filters: [{ name: 'Graph files', extensions: ['json'] }],
    });
    if (picked.canceled || !picked.filePath) return { status: 'cancelled' };
    return service.call(name, [picked.filePath, graph]);
  }
  if (name === 'exportModel' && (args[0] as ExportModelRequest | null)?.path === null) {
    const request = args[0] as ExportModelRequest;
    const base = (request.graph?.name || 'model').replace(/[^\w.-]+/g, '-');
    if (request.format === 'pytorch') {
      const picked = await dialog.showOpenDialog(window!, {
        title: 'Export PyTorch project to folder',
        buttonLabel: 'Export here',
        properties: ['openDirectory', 'createDirectory', 'promptToCreate'],
      });
      if (picked.canceled || picked.filePaths.length === 0) return { status: 'cancelled' };
      return service.call(name, [{ ...request, path: picked.filePaths[0] }]);
    }
    const picked = await dialog.showSaveDialog(window!, {
      title: 'Export ONNX',
      defaultPath: `${base}.onnx`,
      filters: [{ name: 'ONNX models', extensions: ['onnx'] }],
    });
    if (picked.canceled || !picked.filePath) return { status: 'cancelled' };
    return service.call(name, [{ ...request, path: picked.filePath }]);
  }
  if (name === 'importModel' && args[0] === null) {
    const picked = await dialog.showOpenDialog(window!, {
      title: 'Import ONNX',
      properties: ['openFile'],
      filters: [{ name: 'ONNX models', extensions: ['onnx'] }],
    });
    if (picked.canceled || picked.filePaths.length === 0) return { status: 'cancelled' };
    return service.call(name, [picked.filePaths[0]]);
  }
  return service.call(name, args);
}
