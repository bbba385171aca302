/**
 * The service's native module check. better-sqlite3's `.node` file is built for one
 * NODE_MODULE_VERSION (Node 20: 115, Node 22: 127, each Electron its own); on another runtime the
 * first `new Database()` throws. The service tries it before opening the workspace, so main can
 * name the module and both ABIs instead of passing on the loader's paragraph.
 */
import Database from 'better-sqlite3';
import type { NativeMismatch, ServiceRuntime } from './service-protocol';

export function serviceRuntime(): ServiceRuntime {
  return { node: process.version, modules: Number(process.versions.modules), electron: process.versions.electron ?? null, execPath: process.execPath };
}

/** Node's loader message: "The module '<file>' was compiled against a different Node.js version using NODE_MODULE_VERSION a. This version of Node.js requires NODE_MODULE_VERSION b." */
export function parseAbiMismatch(module: string, message: string): NativeMismatch | null {
  const match = /module '([^']+)'\s+was compiled against a different Node\.js version using\s+NODE_MODULE_VERSION (\d+)\.\s+This version of Node\.js requires\s+NODE_MODULE_VERSION (\d+)/.exec(message);
  return match ? { module, file: match[1], builtFor: Number(match[2]), runtimeNeeds: Number(match[3]) } : null;
}

/** null when better-sqlite3 loads here; the mismatch when it was built for another ABI; throws on any other failure. */
export function checkBetterSqlite3(): NativeMismatch | null {
  try {
    new Database(':memory:').close();
    return null;
  } catch (e) {
    const mismatch = parseAbiMismatch('better-sqlite3', (e as Error).message);
    if (mismatch) return mismatch;
    throw e;
  }
}
