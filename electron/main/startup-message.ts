/**
 * The one message shown when the core service cannot start, before any window opens. A native
 * module built for another ABI gets the module, both NODE_MODULE_VERSIONs and the command that fixes it.
 */
import type { NativeMismatch, ServiceRuntime } from './service-protocol';

/** How the service was started: what the fix depends on. */
export type ServiceLaunch = { kind: 'node'; node: string } | { kind: 'electron'; packaged: boolean };

/** NODE_MODULE_VERSION of Node releases (node/src/node_version.h); Electron has its own numbers. */
const NODE_ABIS: Record<number, string> = { 108: 'Node 18', 115: 'Node 20', 127: 'Node 22', 131: 'Node 23', 137: 'Node 24' };

function abi(modules: number): string {
  const node = NODE_ABIS[modules];
  return node ? `NODE_MODULE_VERSION ${modules} (${node})` : `NODE_MODULE_VERSION ${modules}`;
}

function runtimeName(runtime: ServiceRuntime): string {
  return runtime.electron ? `Electron ${runtime.electron} (Node ${runtime.node})` : `Node ${runtime.node} at ${runtime.execPath}`;
}

export function fixFor(launch: ServiceLaunch, mismatch: NativeMismatch, platform: NodeJS.Platform = process.platform): string {
  if (launch.kind === 'node') {
    const folder = launch.node.replace(/[/\\][^/\\]+$/, '');
    const command = platform === 'win32' ? `set "PATH=${folder};%PATH%" && npm rebuild ${mismatch.module}` : `PATH="${folder}:$PATH" npm rebuild ${mismatch.module}`;
    return `rebuild it with the Node that runs the service: ${command}, then npm start.`;
  }
  if (launch.packaged) return `reinstall CNN Workbench (this installation's ${mismatch.module} does not match its Electron).`;
  return `start the app with npm start (it runs the core service on the Node that built ${mismatch.module}), or rebuild it for Electron with npx electron-builder install-app-deps.`;
}

export function startupFailure(workspacePath: string, error: { message: string; runtime: ServiceRuntime | null; mismatch: NativeMismatch | null }, launch: ServiceLaunch): { title: string; message: string } {
  const title = 'CNN Workbench cannot start';
  const { mismatch, runtime } = error;
  if (!mismatch || !runtime)
    return { title, message: `The core service could not start on the workspace ${workspacePath}:\n${error.message}` };
  return {
    title,
    message:
      `The native module ${mismatch.module} (${mismatch.file}) was built for ${abi(mismatch.builtFor)}, ` +
      `but the core service runs on ${runtimeName(runtime)}, which needs ${abi(mismatch.runtimeNeeds)}.\n` +
      `To fix it, ${fixFor(launch, mismatch)}`,
  };
}
