import { app, BrowserWindow, dialog, ipcMain, Menu } from 'electron';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CALL_NAMES, IPC_CALL_PREFIX, IPC_EVENT_PREFIX, type CallName, type EventName, type MenuCommand } from '../../core/api/contract';
import type { ExportModelRequest, GraphFile } from '../../core/api/contract';
import { defaultWorkspacePath } from '../../core/store/paths';
import { parseAppArgs } from './args';
import { buildMenu } from './menu';
import { startServiceWorker, type ServiceClient } from './service-client';

const here = import.meta.dirname;
let mainWindow: BrowserWindow | null = null;

/** Packaged: electron-builder's extraResources copy; from a checkout: resources/templates. */
function templatesFolder(): string {
  const packaged = app.isPackaged ? join(process.resourcesPath, 'templates') : null;
  return packaged && existsSync(packaged) ? packaged : join(app.getAppPath(), 'resources', 'templates');
}

function sendEvent(name: EventName, data: unknown): void {
  mainWindow?.webContents.send(`${IPC_EVENT_PREFIX}${name}`, data);
}

/** Calls that need a person to pick a file get a native dialog here, then go to the worker with the path. */
async function withDialogs(service: ServiceClient, name: CallName, args: unknown[]): Promise<unknown> {
  if (name === 'openGraphFile' && args[0] === null) {
    const picked = await dialog.showOpenDialog(mainWindow!, {
      title: 'Open graph',
      properties: ['openFile'],
      filters: [{ name: 'Graph files', extensions: ['json'] }],
    });
    if (picked.canceled || picked.filePaths.length === 0) return { status: 'cancelled' };
    return service.call(name, [picked.filePaths[0]]);
  }
  if (name === 'saveGraphFile' && args[0] === null) {
    const graph = args[1] as GraphFile;
    const picked = await dialog.showSaveDialog(mainWindow!, {
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
      const picked = await dialog.showOpenDialog(mainWindow!, {
        title: 'Export PyTorch project to folder',
        buttonLabel: 'Export here',
        properties: ['openDirectory', 'createDirectory', 'promptToCreate'],
      });
      if (picked.canceled || picked.filePaths.length === 0) return { status: 'cancelled' };
      return service.call(name, [{ ...request, path: picked.filePaths[0] }]);
    }
    const picked = await dialog.showSaveDialog(mainWindow!, {
      title: 'Export ONNX',
      defaultPath: `${base}.onnx`,
      filters: [{ name: 'ONNX models', extensions: ['onnx'] }],
    });
    if (picked.canceled || !picked.filePath) return { status: 'cancelled' };
    return service.call(name, [{ ...request, path: picked.filePath }]);
  }
  if (name === 'importModel' && args[0] === null) {
    const picked = await dialog.showOpenDialog(mainWindow!, {
      title: 'Import ONNX',
      properties: ['openFile'],
      filters: [{ name: 'ONNX models', extensions: ['onnx'] }],
    });
    if (picked.canceled || picked.filePaths.length === 0) return { status: 'cancelled' };
    return service.call(name, [picked.filePaths[0]]);
  }
  return service.call(name, args);
}

function refreshMenu(recentFiles: string[]): void {
  const send = (command: MenuCommand) => sendEvent('onMenuCommand', command);
  Menu.setApplicationMenu(buildMenu({ window: () => mainWindow, send, recentFiles, appName: app.getName() }));
}

async function main(): Promise<void> {
  const { db } = parseAppArgs(process.argv.slice(1));
  await app.whenReady();
  const workspacePath = db ? resolve(db) : defaultWorkspacePath();
  let service: ServiceClient;
  try {
    service = await startServiceWorker(join(here, 'service-worker.js'), { workspacePath, templatesFolder: templatesFolder(), version: app.getVersion() });
  } catch (e) {
    dialog.showErrorBox('CNN Workbench cannot start', `The core service could not start on the workspace ${workspacePath}:\n${(e as Error).message}`);
    app.exit(1);
    return;
  }
  service.onEvent((name, data) => {
    if (name === 'onRecentFilesChanged') refreshMenu(data as string[]);
    sendEvent(name, data);
  });

  for (const name of CALL_NAMES) {
    ipcMain.handle(`${IPC_CALL_PREFIX}${name}`, async (event, args: unknown) => {
      const from = event.senderFrame?.url ?? '';
      const trusted = from.startsWith('file:') || (!!process.env.ELECTRON_RENDERER_URL && from.startsWith(process.env.ELECTRON_RENDERER_URL));
      if (!trusted) throw new Error(`call ${name} refused from ${JSON.stringify(from)}`);
      if (!Array.isArray(args)) throw new Error(`call ${name}: arguments must be an array`);
      return withDialogs(service, name, args);
    });
  }
  refreshMenu((await service.call('recentFiles', [])) as string[]);

  const createWindow = () => {
    mainWindow = new BrowserWindow({
      width: 1400,
      height: 900,
      title: 'CNN Workbench',
      webPreferences: {
        preload: join(here, '../preload/index.cjs'),
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webSecurity: true,
      },
    });
    mainWindow.on('closed', () => (mainWindow = null));
    // Links open nowhere inside the app.
    mainWindow.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
    if (process.env.ELECTRON_RENDERER_URL) void mainWindow.loadURL(process.env.ELECTRON_RENDERER_URL);
    else void mainWindow.loadFile(join(here, '../renderer/index.html'));
  };
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => void service.close());
}

void main();
