/**
 * The browser host: `node --import tsx host/main.ts [--db PATH] [--port N] [--renderer DIR]`.
 * Serves the built renderer and the workbench contract on 127.0.0.1, prints the address, runs
 * until SIGINT/SIGTERM. Reach it from another machine through an SSH tunnel, never by binding wider.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openWorkbenchService } from '../core/service/open-service';
import { defaultWorkspacePath } from '../core/store/paths';
import { parseHostArgs } from './args';
import { startHost } from './server';

const repoRoot = resolve(import.meta.dirname, '..');

async function main(): Promise<void> {
  let args;
  try {
    args = parseHostArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`cnn-workbench host: ${(e as Error).message}`);
    process.exit(2);
  }
  const workspacePath = args.db ? resolve(args.db) : defaultWorkspacePath();
  const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
  let opened;
  try {
    opened = openWorkbenchService({ workspacePath, templatesFolder: join(repoRoot, 'resources', 'templates'), shell: 'browser', version });
  } catch (e) {
    console.error(`cnn-workbench host: ${(e as Error).message}`);
    process.exit(1);
  }
  let host;
  try {
    host = await startHost({ service: opened.service, rendererFolder: args.rendererFolder ?? join(repoRoot, 'out', 'renderer'), port: args.port });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    console.error(`cnn-workbench host: cannot listen on 127.0.0.1:${args.port} (${code === 'EADDRINUSE' ? 'the port is in use; pass --port N, or --port 0 for any free port' : (e as Error).message})`);
    opened.close();
    process.exit(1);
  }
  console.log(`CNN Workbench (browser host) at ${host.url}  workspace ${workspacePath}`);
  const stop = async () => {
    await host.close();
    await opened.close(); // stops live training runs first, so they end 'stopped' with a checkpoint
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

void main();
