/**
 * `npm start` where Electron cannot run (no display here): one line saying why, then the browser
 * host serving the app, with the workspace file created.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureBuilt } from '../e2e/harness';

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
