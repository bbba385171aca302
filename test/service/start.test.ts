/**
 * `npm start` where Electron cannot run (no display here): one line saying why, then the browser
 * host serving the app, with the workspace file created. And where it can (a stand-in binary).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { installOtherNode } from '../../scripts/install-other-node.mjs';
import { ensureBuilt } from '../e2e/harness';
import { childProcesses } from './electron-stub/proc.mjs';
import { repoRoot } from './fixtures';

describe('npm start without a display', () => {
  it('says why Electron cannot run, starts the browser host and creates the workspace', async () => {
    ensureBuilt();
    const db = join(mkdtempSync(join(tmpdir(), 'cnnwb-start-')), 'ws.db');
    const env = { ...process.env };
    delete env.DISPLAY;
    delete env.WAYLAND_DISPLAY;
    const child = spawn(process.execPath, ['scripts/start.mjs', '--db', db, '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no address within 120 s; output so far:\n${output}`)), 120_000);
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          const match = /at (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(output);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.on('exit', (code) => reject(new Error(`npm start exited (${code}):\n${output}`)));
      });
      expect(output).toContain('Electron cannot run here (no display: DISPLAY and WAYLAND_DISPLAY are unset); starting the browser host instead.');
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root">');
      expect(existsSync(db)).toBe(true);
    } finally {
      child.kill('SIGTERM');
    }
  }, 180_000);
});

// With an Electron that runs (a stand-in binary: Node 22 running main against the stand-in
// `electron` module, so its ABI is not the one better-sqlite3 was built for, as with a real
// Electron), npm start opens the window with no rebuild: main runs the core service on npm
// start's own Node.
describe('npm start with an Electron binary', () => {
  it('starts main on it and the core service on the Node that runs npm start', async () => {
    ensureBuilt();
    const node22 = installOtherNode();
    const db = join(mkdtempSync(join(tmpdir(), 'cnnwb-start-')), 'ws.db');
    const env: NodeJS.ProcessEnv = { ...process.env, DISPLAY: ':99', ELECTRON_OVERRIDE_DIST_PATH: join(repoRoot, 'test/service/electron-stub/bin'), STANDIN_NODE: node22 };
    delete env.CNNWB_SERVICE_NODE;
    const child = spawn(process.execPath, ['scripts/start.mjs', '--db', db], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no window within 120 s; output so far:\n${output}`)), 120_000);
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('stand-in Electron: window opened on app://workbench/index.html')) {
            clearTimeout(timer);
            resolve();
          }
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.on('exit', (code) => reject(new Error(`npm start exited (${code}):\n${output}`)));
      });
      expect(output).not.toMatch(/cannot run here|cannot start|NODE_MODULE_VERSION/);
      // start.mjs → the stand-in Electron (Node 22) → the core service on start.mjs's own Node.
      const [electron] = childProcesses(child.pid!);
      expect(electron.exe).toBe(node22);
      const services = childProcesses(electron.pid);
      expect(services).toEqual([{ pid: expect.any(Number), exe: process.execPath }]);
      expect(existsSync(db)).toBe(true);
    } finally {
      child.kill('SIGTERM');
    }
  }, 300_000);
});
