/**
 * Electron main: the window, menus, native dialogs, IPC forwarding and the security settings. The
 * core service runs in a process of its own (service-worker.ts): in development a child of the
 * Node that `npm start` runs on (CNNWB_SERVICE_NODE), whose ABI the native modules were built for;
 * in the packaged app an Electron utilityProcess on modules rebuilt for Electron. If it cannot
 * start, one message says why and no window opens; if it stops later, the window stays and offers
 * a restart.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, shell } from 'electron';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CALL_NAMES, IPC_CALL_PREFIX, IPC_EVENT_PREFIX, type EventName, type MenuCommand } from '../../core/api/contract';
import { defaultWorkspacePath } from '../../core/store/paths';
import { APP_PAGE_URL, APP_SCHEME, rendererProtocolHandler } from './app-protocol';
import { parseAppArgs } from './args';
import { buildMenu } from './menu';
import { withDialogs } from './native-dialogs';
import { hardenSession, hardenWebContents, isTrustedSender } from './security';
import { connectService, forkChannel, ServiceStartError, type ServiceClient } from './service-client';
import { startupFailure, type ServiceLaunch } from './startup-message';
import { utilityChannel } from './utility-channel';

const here = import.meta.dirname;
const devServerUrl = !app.isPackaged && process.env.ELECTRON_RENDERER_URL ? process.env.ELECTRON_RENDERER_URL : null;
let mainWindow: BrowserWindow | null = null;

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, (url) => void shell.openExternal(url), devServerUrl));

/** Packaged: electron-builder's extraResources copy; from a checkout: resources/templates. */
function templatesFolder(): string {
  const packaged = app.isPackaged ? join(process.resourcesPath, 'templates') : null;
  return packaged && existsSync(packaged) ? packaged : join(here, '..', '..', 'resources', 'templates');
}

/** `npm start` names its own Node; without it (packaged, or Electron started by hand) the service runs on Electron's. */
function serviceLaunch(): ServiceLaunch {
  const node = process.env.CNNWB_SERVICE_NODE;
  return node && !app.isPackaged ? { kind: 'node', node } : { kind: 'electron', packaged: app.isPackaged };
}

function sendEvent(name: EventName, data: unknown): void {
  mainWindow?.webContents.send(`${IPC_EVENT_PREFIX}${name}`, data);
}

function refreshMenu(recentFiles: string[]): void {
  const send = (command: MenuCommand) => sendEvent('onMenuCommand', command);
  Menu.setApplicationMenu(buildMenu({ window: () => mainWindow, send, recentFiles, appName: app.getName(), devTools: !app.isPackaged }));
}

function createWindow(): void {
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
      devTools: !app.isPackaged,
    },
  });
  mainWindow.on('closed', () => (mainWindow = null));
  void mainWindow.loadURL(devServerUrl ?? APP_PAGE_URL);
}

async function main(): Promise<void> {
  const { db } = parseAppArgs(process.argv.slice(1));
  await app.whenReady();
  const workspacePath = db ? resolve(db) : defaultWorkspacePath();
  const launch = serviceLaunch();
  const script = join(here, 'service-worker.js');
  const init = { workspacePath, templatesFolder: templatesFolder(), version: app.getVersion() };
  let quitting = false;
  /** The running service; while it is being restarted, calls wait on `current`. */
  let live: ServiceClient | null = null;
  let current: Promise<ServiceClient>;

  const startService = async (): Promise<ServiceClient> => {
    const client = await connectService(launch.kind === 'node' ? forkChannel(script, launch.node) : utilityChannel(script), init);
    client.onEvent((name, data) => {
      if (name === 'onRecentFilesChanged') refreshMenu(data as string[]);
      sendEvent(name, data);
    });
    client.onCrash((reason) => {
      live = null;
      if (!quitting) current = restartAfterCrash(reason);
    });
    live = client;
    return client;
  };
  const cannotStart = (e: unknown) => {
    const failure = e instanceof ServiceStartError ? e : new ServiceStartError((e as Error).message, null, null);
    const { title, message } = startupFailure(workspacePath, failure, launch);
    console.error(`${title}: ${message}`);
    dialog.showErrorBox(title, message);
    app.exit(1);
  };
  /** The window stays; the person chooses. Calls made meanwhile wait for the new service. */
  const restartAfterCrash = async (reason: string): Promise<ServiceClient> => {
    const options: Electron.MessageBoxOptions = {
      type: 'error',
      title: 'CNN Workbench',
      message: 'The core service stopped',
      detail: `It ended unexpectedly (${reason}). What was recorded is in the workspace; a training run it was running is now listed as interrupted, and one that reached a checkpoint can be continued from there.`,
      buttons: ['Restart the service', 'Quit'],
      defaultId: 0,
      cancelId: 1,
      noLink: true,
    };
    const { response } = await (mainWindow ? dialog.showMessageBox(mainWindow, options) : dialog.showMessageBox(options));
    if (response !== 0) {
      app.quit();
      return new Promise(() => undefined);
    }
    try {
      const next = await startService();
      mainWindow?.webContents.reload(); // the page reloads its state (runs, draft) from the new service
      return next;
    } catch (e) {
      cannotStart(e);
      return new Promise(() => undefined);
    }
  };

  try {
    current = Promise.resolve(await startService());
  } catch (e) {
    cannotStart(e);
    return;
  }

  for (const name of CALL_NAMES) {
    ipcMain.handle(`${IPC_CALL_PREFIX}${name}`, async (event, args: unknown) => {
      if (!isTrustedSender(event.senderFrame, devServerUrl)) throw new Error(`call ${name} refused from ${JSON.stringify(event.senderFrame?.url ?? '')}`);
      if (!Array.isArray(args)) throw new Error(`call ${name}: arguments must be an array`);
      return withDialogs(await current, mainWindow, name, args);
    });
  }
  refreshMenu((await (await current).call('recentFiles', [])) as string[]);

  protocol.handle(APP_SCHEME, rendererProtocolHandler(join(here, '..', 'renderer')));
  hardenSession(session.defaultSession);
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  // Live runs are stopped and the workspace closed before the process ends.
  let closed = false;
  app.on('before-quit', (event) => {
    quitting = true;
    if (closed || !live) return;
    event.preventDefault();
    void live.close().finally(() => {
      closed = true;
      app.quit();
    });
  });
}

void main();
