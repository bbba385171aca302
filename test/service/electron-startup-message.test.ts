import { describe, expect, it } from 'vitest';
import { fixFor, startupFailure } from '../../electron/main/startup-message';

// The fix line of the "cannot start" message, for each way the service is started (the full
// message from a real mismatch is checked in electron-node22.test.ts).
describe('the message when the core service cannot start', () => {
  const mismatch = { module: 'better-sqlite3', file: '/app/better_sqlite3.node', builtFor: 115, runtimeNeeds: 150 };

  it('names the rebuild command for the Node that runs the service, in that platform\'s shell', () => {
    expect(fixFor({ kind: 'node', node: '/opt/node-20/bin/node' }, mismatch, 'linux')).toBe(
      'rebuild it with the Node that runs the service: PATH="/opt/node-20/bin:$PATH" npm rebuild better-sqlite3, then npm start.',
    );
    expect(fixFor({ kind: 'node', node: 'C:\\Program Files\\nodejs\\node.exe' }, mismatch, 'win32')).toBe(
      'rebuild it with the Node that runs the service: set "PATH=C:\\Program Files\\nodejs;%PATH%" && npm rebuild better-sqlite3, then npm start.',
    );
  });

  it('says an Electron ABI by number only, and what a start failure without a mismatch was', () => {
    const runtime = { node: 'v22.20.0', modules: 150, electron: '45.5.0', execPath: '/opt/cnn/cnn-workbench' };
    const { message } = startupFailure('/w.db', { message: 'x', runtime, mismatch }, { kind: 'electron', packaged: true });
    expect(message).toContain('built for NODE_MODULE_VERSION 115 (Node 20), but the core service runs on Electron 45.5.0 (Node v22.20.0), which needs NODE_MODULE_VERSION 150.');
    expect(message).toMatch(/To fix it, reinstall CNN Workbench/);
    expect(startupFailure('/w.db', { message: 'not a workspace', runtime: null, mismatch: null }, { kind: 'electron', packaged: true })).toEqual({
      title: 'CNN Workbench cannot start',
      message: 'The core service could not start on the workspace /w.db:\nnot a workspace',
    });
  });
});
