#!/usr/bin/env node
// npm start [-- --db PATH] [--port N] [--browser]
// Builds the app if needed, then starts Electron; where Electron cannot run, says so in one line
// and starts the browser host instead (it prints its address). The workspace file (default: the
// platform's app-data folder) is created on first start.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectronBinary } from '../electron/binary.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const args = { db: null, port: null, browser: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--db') args.db = resolve(value());
    else if (flag === '--port') args.port = value();
    else if (flag === '--browser') args.browser = true;
    else throw new Error(`unknown option ${argv[i]} (options: --db PATH, --port N, --browser)`);
  }
  return args;
}

function newest(folder) {
  let t = 0;
  for (const e of readdirSync(folder, { withFileTypes: true, recursive: true }))
    if (e.isFile()) t = Math.max(t, statSync(join(e.parentPath, e.name)).mtimeMs);
  return t;
}

function needsBuild() {
  const outputs = ['out/main/index.js', 'out/main/service-worker.js', 'out/preload/index.cjs', 'out/renderer/index.html'].map((p) => join(root, p));
  if (!outputs.every(existsSync)) return true;
  const built = Math.min(...outputs.map((p) => statSync(p).mtimeMs));
  return ['renderer', 'electron', 'core'].some((f) => newest(join(root, f)) > built);
}

let args;
try {
  args = parseArgs(process.argv.slice(2));
} catch (e) {
  console.error(`npm start: ${e.message}`);
  process.exit(2);
}

if (needsBuild()) {
  console.log('Building the app (electron-vite build)…');
  const build = spawnSync(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const noDisplay = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
let electron = args.browser ? { reason: '--browser was given' } : findElectronBinary(root);
// The electron package fetches its binary on first use, not at install: fetch it once here, where
// it could run, so `npm install && npm start` opens the window on a machine with a network.
if (!args.browser && !noDisplay && 'reason' in electron && !existsSync(join(root, 'node_modules/electron/path.txt'))) {
  console.log('Downloading the Electron binary (once)…');
  const download = spawnSync(process.execPath, [join(root, 'node_modules/electron/install.js')], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000, encoding: 'utf8' });
  if (download.status === 0) electron = findElectronBinary(root);
  else electron = { reason: `the Electron binary could not be downloaded (${(download.stderr || download.error?.message || `exit ${download.status}`).trim().split('\n')[0]})` };
}
const why = noDisplay && !args.browser ? 'no display: DISPLAY and WAYLAND_DISPLAY are unset' : 'reason' in electron ? electron.reason : null;

let child;
if (why === null) {
  // The core service runs on this Node, the one `npm install` built better-sqlite3 for; Electron's
  // own Node has another NODE_MODULE_VERSION (docs/app.md, "Why the service has its own process").
  const env = { ...process.env, CNNWB_SERVICE_NODE: process.execPath };
  child = spawn(electron.path, [join(root, 'out/main/index.js'), ...(args.db ? ['--db', args.db] : [])], { cwd: root, stdio: 'inherit', env });
} else {
  console.log(`Electron cannot run here (${why}); starting the browser host instead.`);
  const hostArgs = [...(args.db ? ['--db', args.db] : []), ...(args.port ? ['--port', args.port] : ['--port', '7788'])];
  child = spawn(process.execPath, ['--import', 'tsx', join(root, 'host/main.ts'), ...hostArgs], { cwd: root, stdio: 'inherit' });
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
