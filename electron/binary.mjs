// Finds the Electron binary the `electron` package would run, WITHOUT requiring that package:
// electron's index.js starts a download when the binary is missing, and there may be no network.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * @param {string} repoRoot
 * @returns {{ path: string } | { reason: string }}
 */
export function findElectronBinary(repoRoot) {
  const pkg = join(repoRoot, 'node_modules', 'electron');
  if (!existsSync(pkg)) return { reason: 'the electron package is not installed' };
  const pathFile = join(pkg, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  if (!relative && !process.env.ELECTRON_OVERRIDE_DIST_PATH)
    return { reason: 'the Electron binary was never downloaded (node_modules/electron/path.txt is missing)' };
  const binary = process.env.ELECTRON_OVERRIDE_DIST_PATH
    ? join(process.env.ELECTRON_OVERRIDE_DIST_PATH, relative || 'electron')
    : join(pkg, 'dist', relative);
  if (!existsSync(binary)) return { reason: `no Electron binary at ${binary}` };
  const probe = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 20000, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
  if (probe.status !== 0) {
    const why = (probe.stderr || (probe.error && probe.error.message) || `exit ${probe.status}`).trim().split('\n')[0];
    return { reason: `the Electron binary at ${binary} does not run (${why})` };
  }
  return { path: binary };
}
