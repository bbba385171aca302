/**
 * Where a worker thread's entry file is. From the sources (tsx, vitest, the CLI) a worker starts
 * from its file next to the caller (a .mjs bootstrap that registers tsx, or plain .mjs). In the
 * Electron build (electron.vite.config.ts) core is bundled into out/main/, where each worker entry
 * is built as a bundle of its own, `builtName`, next to the code that starts it; that file wins when
 * it exists. Only the bundle has such a sibling, so the sources never pick it up by mistake.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function workerEntryUrl(sourceEntry: URL, builtName: string): URL {
  const built = new URL(`./${builtName}`, sourceEntry);
  return existsSync(fileURLToPath(built)) ? built : sourceEntry;
}
