// A stand-in for the `electron` module, so the BUILT Electron main (out/main/index.js) can run in
// plain Node where no Electron binary exists. It records what main asks of Electron.
const stub = (globalThis.__electronStub = { handlers: new Map(), windows: [], loaded: [], sent: [], menus: [], errors: [], nextSave: null, nextOpen: null, exitCode: null });

export const app = {
  whenReady: async () => undefined,
  getVersion: () => '0.0.0-stub',
  getName: () => 'CNN Workbench',
  getAppPath: () => process.cwd(),
  isPackaged: false,
  on: () => undefined,
  quit: () => undefined,
  exit: (code) => {
    stub.exitCode = code;
  },
};

export class BrowserWindow {
  constructor(options) {
    stub.windows.push(options);
    this.webContents = { send: (channel, data) => stub.sent.push([channel, data]), setWindowOpenHandler: () => undefined };
  }
  on() {}
  loadFile(path) {
    stub.loaded.push(path);
    return Promise.resolve();
  }
  loadURL(url) {
    stub.loaded.push(url);
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
};
export const Menu = {
  buildFromTemplate: (template) => ({ template }),
  setApplicationMenu: (menu) => stub.menus.push(menu),
};
export const shell = { openExternal: async () => undefined };
export default { app, BrowserWindow, ipcMain, dialog, Menu, shell };
