import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openWorkbenchService, type OpenedService } from '../../core/service/open-service';
import { startHost, type RunningHost } from '../../host/server';
import { findElectronBinary } from '../../electron/binary.mjs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const repoRoot = resolve(import.meta.dirname, '..', '..');
export const artifactsFolder = join(repoRoot, 'test-artifacts', 'e2e');
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--headless'];

function newestMtime(folder: string): number {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

function isStale(): boolean {
  const marker = join(repoRoot, 'out', 'renderer', 'index.html');
  if (!existsSync(marker) || !existsSync(join(repoRoot, 'out', 'main', 'service-worker.js')) || !existsSync(join(repoRoot, 'out', 'preload', 'index.cjs'))) return true;
  // The same sources scripts/start.mjs watches, so a test that starts the app never rebuilds behind the lock.
  const sources = ['renderer', 'electron', 'core'];
  const newest = Math.max(...sources.map((f) => newestMtime(join(repoRoot, f))), statSync(join(repoRoot, 'electron.vite.config.ts')).mtimeMs);
  return newest > statSync(marker).mtimeMs;
}

/**
 * Builds out/ with electron-vite when it is missing or older than its sources. Test files run in
 * parallel processes, so one builds while the others wait on a lock folder.
 */
export function ensureBuilt(): void {
  const lock = join(repoRoot, 'out', '.build-lock');
  const deadline = Date.now() + 120_000;
  mkdirSync(join(repoRoot, 'out'), { recursive: true });
  for (;;) {
    if (!isStale()) return;
    try {
      mkdirSync(lock);
    } catch {
      if (Date.now() > deadline) throw new Error(`ensureBuilt: ${lock} held for 2 minutes; remove it if no build is running`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
      continue;
    }
    try {
      if (isStale()) execFileSync(process.execPath, [join(repoRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: repoRoot, stdio: 'pipe' });
      return;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

/**
 * Debian's Chromium on the app at `url`, once the workbench says it is ready; page errors and
 * console errors go to `pageErrors` so a test can assert there were none.
 */
export async function openWorkbenchPage(url: string, pageErrors: string[], options: { width: number; height: number; timeoutMs: number }): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: options.width, height: options.height } });
  page.setDefaultTimeout(options.timeoutMs);
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && pageErrors.push(`console: ${m.text()}`));
  // The console says only "status of 500"; name the call and the service's message too.
  page.on('response', (r) => {
    if (r.status() >= 500) void r.text().then((body) => pageErrors.push(`${r.status()} from ${new URL(r.url()).pathname}: ${body}`), () => {});
  });
  await page.goto(url);
  await page.locator('.workbench[data-ready="true"]').waitFor();
  return { browser, page };
}

export interface TestHost {
  host: RunningHost;
  opened: OpenedService;
  folder: string;
  close(): Promise<void>;
}

/** The browser host on a free port with a fresh temporary workspace. */
export async function startTestHost(): Promise<TestHost> {
  const folder = mkdtempSync(join(tmpdir(), 'cnnwb-e2e-'));
  const opened = openWorkbenchService({
    workspacePath: join(folder, 'workspace.db'),
    templatesFolder: join(repoRoot, 'resources', 'templates'),
    shell: 'browser',
    version: 'test',
  });
  const host = await startHost({ service: opened.service, rendererFolder: join(repoRoot, 'out', 'renderer'), port: 0 });
  return {
    host,
    opened,
    folder,
    close: async () => {
      await host.close();
      opened.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** The Electron binary and whether it runs here; the reason when it does not. */
export function electronBinary(): { path: string } | { reason: string } {
  return findElectronBinary(repoRoot);
}
