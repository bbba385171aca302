// A stand-in for the `electron` module, so the BUILT Electron main (out/main/index.js) can run in
// plain Node where no Electron binary exists. It records what main asks of Electron.
// STUB_PACKAGED=1 plays the packaged app (app.isPackaged, process.resourcesPath = STUB_RESOURCES);
// utilityProcess.fork runs the script on STUB_ELECTRON_NODE (default: this Node) with a
// process.parentPort like Electron's.
import { fork } from 'node:child_process';
import { EventEmitter } from 'node:events';

const stub = (globalThis.__electronStub = {
  handlers: new Map(),
  appListeners: new Map(),
  windows: [],
  contents: [],
  loaded: [],
  sent: [],
  menus: [],
  errors: [],
  messageBoxes: [],
  opened: [],
  schemes: [],
  protocols: new Map(),
  session: {},
  utilityForks: [],
  nextSave: null,
  nextOpen: null,
  nextMessageBox: { response: 0 },
  exitCode: null,
  quits: 0,
});

const packaged = process.env.STUB_PACKAGED === '1';
if (packaged) process.resourcesPath = process.env.STUB_RESOURCES;

function emitApp(name, ...args) {
  for (const listener of stub.appListeners.get(name) ?? []) listener(...args);
}

export const app = {
  whenReady: async () => undefined,
  getVersion: () => '0.0.0-stub',
  getName: () => 'CNN Workbench',
  getAppPath: () => process.cwd(),
  isPackaged: packaged,
  on: (name, listener) => stub.appListeners.set(name, [...(stub.appListeners.get(name) ?? []), listener]),
  emit: emitApp,
  quit: () => {
    stub.quits++;
    const event = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    emitApp('before-quit', event);
  },
  exit: (code) => {
    stub.exitCode = code;
  },
};

class WebContents {
  constructor() {
    this.listeners = new Map();
    this.windowOpenHandler = null;
    this.reloads = 0;
    stub.contents.push(this);
  }
  on(name, listener) {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener]);
  }
  /** Fires `name` as Electron would and says whether a listener prevented it. */
  fire(name, url) {
    const event = { url, defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    for (const listener of this.listeners.get(name) ?? []) listener(event, url);
    return event.defaultPrevented;
  }
  setWindowOpenHandler(handler) {
    this.windowOpenHandler = handler;
  }
  send(channel, data) {
    stub.sent.push([channel, data]);
  }
  reload() {
    this.reloads++;
  }
}

export class BrowserWindow {
  constructor(options) {
    stub.windows.push(options);
    this.webContents = new WebContents();
    emitApp('web-contents-created', {}, this.webContents);
  }
  on() {}
  loadFile(path) {
    stub.loaded.push(path);
    return Promise.resolve();
  }
  loadURL(url) {
    stub.loaded.push(url);
    if (process.env.STUB_ANNOUNCE) console.log(`stand-in Electron: window opened on ${url}`);
    return Promise.resolve();
  }
  static getAllWindows() {
    return stub.windows;
  }
}

export const ipcMain = { handle: (channel, handler) => stub.handlers.set(channel, handler) };
export const dialog = {
  showOpenDialog: async () => stub.nextOpen,
  showSaveDialog: async () => stub.nextSave,
  showErrorBox: (title, message) => stub.errors.push(`${title}: ${message}`),
  showMessageBox: async (...args) => {
    stub.messageBoxes.push(args.at(-1));
    return stub.nextMessageBox;
  },
};
export const Menu = {
  buildFromTemplate: (template) => ({ template }),
  setApplicationMenu: (menu) => stub.menus.push(menu),
};
export const shell = {
  openExternal: async (url) => {
    stub.opened.push(url);
  },
};
export const protocol = {
  registerSchemesAsPrivileged: (schemes) => stub.schemes.push(...schemes),
  handle: (scheme, handler) => stub.protocols.set(scheme, handler),
};
export const session = {
  defaultSession: {
    setPermissionRequestHandler: (handler) => (stub.session.permissionRequest = handler),
    setPermissionCheckHandler: (handler) => (stub.session.permissionCheck = handler),
    setDevicePermissionHandler: (handler) => (stub.session.devicePermission = handler),
    webRequest: { onHeadersReceived: (handler) => (stub.session.headersReceived = handler) },
  },
};

class UtilityProcess extends EventEmitter {
  constructor(script, args) {
    super();
    const parentPortShim = new URL('./utility-parent-port.mjs', import.meta.url).href;
    this.child = fork(script, args, { execPath: process.env.STUB_ELECTRON_NODE || process.execPath, execArgv: ['--import', parentPortShim], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.pid = this.child.pid;
    this.child.on('message', (m) => this.emit('message', m));
    this.child.on('exit', (code) => this.emit('exit', code ?? 1));
  }
  postMessage(message) {
    if (this.child.connected) this.child.send(message);
  }
  kill() {
    return this.child.kill('SIGKILL');
  }
}
export const utilityProcess = {
  fork: (script, args, options) => {
    stub.utilityForks.push({ script, options });
    return new UtilityProcess(script, args ?? []);
  },
};

export default { app, BrowserWindow, ipcMain, dialog, Menu, shell, protocol, session, utilityProcess };
