/**
 * The messages between Electron main and the core service, whichever way the service runs: a
 * child process forked under the Node that installed the native modules (development), Electron's
 * utilityProcess (the packaged app), or a worker thread (tests). The service says `listening` once
 * it has its message listener (a message sent earlier could be lost), then main sends `init`.
 */
export interface ServiceInit {
  workspacePath: string;
  templatesFolder: string;
  version: string;
}

/** Which runtime the service runs on: what a native module must have been built for. */
export interface ServiceRuntime {
  node: string;
  /** process.versions.modules: the NODE_MODULE_VERSION (ABI) a native module must match. */
  modules: number;
  electron: string | null;
  execPath: string;
}

/** A native module built for another ABI than the runtime's. */
export interface NativeMismatch {
  module: string;
  file: string;
  builtFor: number;
  runtimeNeeds: number;
}

export type ServiceRequest = { init: ServiceInit } | { id: number; name: string; args: unknown[] } | { close: true };
export type ServiceMessage =
  | { id: number; result: unknown }
  | { id: number; error: string }
  | { event: string; data: unknown }
  | { listening: true }
  | { ready: true; runtime: ServiceRuntime }
  | { fatal: string; runtime: ServiceRuntime; mismatch: NativeMismatch | null };
