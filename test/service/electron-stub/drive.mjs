// node drive.mjs <out/main/index.js> <workspace.db> <save-path> [export-folder]: runs Electron main against the stub,
// exercises its IPC handlers like the preload would, prints one JSON report.
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';

register('./hooks.mjs', import.meta.url);
const [mainPath, db, savePath, exportFolder] = process.argv.slice(2);
process.argv = [process.argv[0], mainPath, '--db', db];
await import(pathToFileURL(mainPath).href);
const stub = globalThis.__electronStub;
for (let i = 0; i < 200 && stub.windows.length === 0 && stub.exitCode === null; i++) await new Promise((r) => setTimeout(r, 25));

const fromApp = { senderFrame: { url: 'file:///app/out/renderer/index.html' } };
const fromWeb = { senderFrame: { url: 'https://evil.example/' } };
const call = async (event, name, args) => {
  try {
    return { result: await stub.handlers.get(`workbench:call:${name}`)(event, args) };
  } catch (e) {
    return { error: e.message };
  }
};
const graph = (await call(fromApp, 'getTemplate', ['lenet5'])).result;
stub.nextSave = { canceled: false, filePath: savePath };
const savedWithDialog = await call(fromApp, 'saveGraphFile', [null, graph]);
stub.nextOpen = { canceled: true, filePaths: [] };
const openCancelled = await call(fromApp, 'openGraphFile', [null]);
stub.nextOpen = { canceled: false, filePaths: [exportFolder ?? '/nonexistent'] };
const exportedWithDialog = await call(fromApp, 'exportModel', [{ format: 'pytorch', graph, weights: { kind: 'none' }, path: null }]);
stub.nextOpen = { canceled: true, filePaths: [] };
const importCancelled = await call(fromApp, 'importModel', [null]);
await new Promise((r) => setTimeout(r, 100));
console.log(
  JSON.stringify({
    channels: [...stub.handlers.keys()].sort(),
    windows: stub.windows.map((w) => w.webPreferences),
    loaded: stub.loaded,
    exitCode: stub.exitCode,
    errors: stub.errors,
    appInfo: await call(fromApp, 'appInfo', []),
    refused: await call(fromWeb, 'appInfo', []),
    notArray: await call(fromApp, 'appInfo', 'x'),
    savedWithDialog,
    openCancelled,
    exportedWithDialog,
    importCancelled,
    sent: stub.sent,
    menuLabels: stub.menus.at(-1)?.template.map((m) => m.label ?? m.role),
    fileMenu: stub.menus.at(-1)?.template.find((m) => m.label === '&File').submenu.map((i) => [i.label ?? i.type ?? i.role, i.submenu?.map?.((s) => s.label)].filter(Boolean)),
    recentMenu: stub.menus.at(-1)?.template.find((m) => m.label === '&File').submenu.find((i) => i.label === 'Open Recent').submenu.map((i) => i.label),
  }),
);
process.exit(0);
