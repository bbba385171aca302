// node drive.mjs <out/main/index.js> <workspace.db> <save-path> [export-folder]: runs Electron main against the stub,
// exercises its IPC handlers like the preload would and its security handlers like Chromium would,
// prints one JSON report.
import { APP_PAGE, call, launchMain, until } from './launch.mjs';
import { childProcesses } from './proc.mjs';

const [mainPath, db, savePath, exportFolder] = process.argv.slice(2);
const stub = await launchMain(mainPath, ['--db', db]);
const fromApp = (name, args) => call(stub, APP_PAGE, name, args);

const graph = (await fromApp('getTemplate', ['lenet5'])).result;
stub.nextSave = { canceled: false, filePath: savePath };
const savedWithDialog = await fromApp('saveGraphFile', [null, graph]);
stub.nextOpen = { canceled: true, filePaths: [] };
const openCancelled = await fromApp('openGraphFile', [null]);
stub.nextOpen = { canceled: false, filePaths: [exportFolder ?? '/nonexistent'] };
const exportedWithDialog = await fromApp('exportModel', [{ format: 'pytorch', graph, weights: { kind: 'none' }, path: null }]);
stub.nextOpen = { canceled: true, filePaths: [] };
const importCancelled = await fromApp('importModel', [null]);
await new Promise((r) => setTimeout(r, 100));

// Security: what main decides when Chromium asks.
const contents = stub.contents[0];
const serve = stub.protocols.get('app');
const fetched = async (url) => {
  const response = await serve(new Request(url));
  return { status: response.status, type: response.headers.get('content-type'), csp: response.headers.get('content-security-policy'), length: (await response.arrayBuffer()).byteLength };
};
const permission = (name, requestingUrl) => new Promise((resolve) => stub.session.permissionRequest(contents, name, resolve, { requestingUrl }));
const headers = await new Promise((resolve) =>
  stub.session.headersReceived({ url: 'https://example.org/', responseHeaders: { 'content-security-policy': ["default-src *"], 'x-other': ['1'] } }, resolve),
);
const windowOpen = (url) => contents.windowOpenHandler({ url }).action;
const security = {
  schemes: stub.schemes,
  refusedFrom: {
    web: await call(stub, 'https://evil.example/', 'appInfo', []),
    downloadedFile: await call(stub, 'file:///home/user/Downloads/evil.html', 'saveGraphFile', [savePath + '.evil', graph]),
    appFileOnDisk: await call(stub, `file://${mainPath.replace(/main\/index\.js$/, 'renderer/index.html')}`, 'appInfo', []),
    appPageInAFrame: await call(stub, APP_PAGE, 'appInfo', [], { url: 'https://evil.example/' }),
    otherPathOnAppOrigin: await call(stub, 'app://workbench/evil.html', 'appInfo', []),
  },
  fromAppWithHash: await call(stub, `${APP_PAGE}#/runs`, 'appInfo', []),
  navigationPrevented: Object.fromEntries(
    ['file:///home/user/Downloads/evil.html', 'https://example.org/', `${APP_PAGE}?x=1`, 'app://workbench/other.html'].map((url) => [url, contents.fire('will-navigate', url)]),
  ),
  redirectPrevented: contents.fire('will-redirect', 'https://example.org/'),
  webviewPrevented: contents.fire('will-attach-webview'),
  windowOpen: {
    https: windowOpen('https://www.csie.ntu.edu.tw/~cjlin/papers/cnn/'),
    file: windowOpen('file:///etc/passwd'),
    javascript: windowOpen('javascript:alert(1)'),
    credentials: windowOpen('https://user:pw@example.org/'),
    custom: windowOpen('ms-settings:privacy'),
  },
  openedExternally: stub.opened,
  permissions: {
    clipboardFromApp: await permission('clipboard-sanitized-write', APP_PAGE),
    clipboardFromElsewhere: await permission('clipboard-sanitized-write', 'https://evil.example/'),
    media: await permission('media', APP_PAGE),
    geolocation: await permission('geolocation', APP_PAGE),
    notifications: await permission('notifications', APP_PAGE),
    openExternal: await permission('openExternal', APP_PAGE),
    check: { clipboard: stub.session.permissionCheck(contents, 'clipboard-sanitized-write', 'app://workbench'), hid: stub.session.permissionCheck(contents, 'hid', 'app://workbench') },
    device: stub.session.devicePermission({ deviceType: 'usb' }),
  },
  headersReceived: headers,
  protocol: {
    page: await fetched(APP_PAGE),
    traversal: await fetched('app://workbench/../../package.json'),
    encodedTraversal: await fetched('app://workbench/%2e%2e/%2e%2e/package.json'),
    slashTraversal: await fetched('app://workbench/..%2F..%2Fpackage.json'),
    otherHost: await fetched('app://elsewhere/index.html'),
    missing: await fetched('app://workbench/nope.js'),
  },
};

const report = {
  channels: [...stub.handlers.keys()].sort(),
  windows: stub.windows.map((w) => w.webPreferences),
  loaded: stub.loaded,
  exitCode: stub.exitCode,
  errors: stub.errors,
  appInfo: await fromApp('appInfo', []),
  templates: (await fromApp('listTemplates', [])).result?.map((t) => t.id),
  notArray: await fromApp('appInfo', 'x'),
  savedWithDialog,
  openCancelled,
  exportedWithDialog,
  importCancelled,
  sent: stub.sent,
  menuLabels: stub.menus.at(-1)?.template.map((m) => m.label ?? m.role),
  viewMenu: stub.menus.at(-1)?.template.find((m) => m.label === '&View').submenu.map((i) => i.label ?? i.role ?? i.type),
  fileMenu: stub.menus.at(-1)?.template.find((m) => m.label === '&File').submenu.map((i) => [i.label ?? i.type ?? i.role, i.submenu?.map?.((s) => s.label)].filter(Boolean)),
  recentMenu: stub.menus.at(-1)?.template.find((m) => m.label === '&File').submenu.find((i) => i.label === 'Open Recent').submenu.map((i) => i.label),
  utilityForks: stub.utilityForks.map((f) => f.script),
  security,
};

// Last: the service dies and the person answers Quit.
const [service] = childProcesses(process.pid);
stub.nextMessageBox = { response: 1 };
process.kill(service.pid, 'SIGKILL');
await until(() => stub.quits > 0, 'main to quit', 20_000);
const quitAfterCrash = {
  messageBoxes: stub.messageBoxes.map((b) => b.message),
  quits: stub.quits,
  reloads: stub.contents[0].reloads,
  services: childProcesses(process.pid).length,
  exitCode: stub.exitCode,
};

console.log(JSON.stringify({ ...report, quitAfterCrash }));
process.exit(0);
