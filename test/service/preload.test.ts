import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CALL_NAMES, EVENT_NAMES, type WorkbenchApi } from '../../core/api/contract';
import { ensureBuilt } from '../e2e/harness';
import { repoRoot } from './fixtures';

// The built sandboxed preload (CommonJS) evaluated with a recording `electron`: what it exposes to
// the page, and which IPC channels it uses.
describe('preload (built)', () => {
  it('exposes one object with every call and event of the contract, over checked channels only', async () => {
    ensureBuilt();
    const code = readFileSync(join(repoRoot, 'out/preload/index.cjs'), 'utf8');
    const exposed: Record<string, unknown> = {};
    const invoked: [string, unknown][] = [];
    const listening: string[] = [];
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, value: unknown) => (exposed[key] = value) },
      ipcRenderer: {
        invoke: async (channel: string, args: unknown) => {
          invoked.push([channel, args]);
          return 'answer';
        },
        on: (channel: string) => listening.push(channel),
        removeListener: (channel: string) => listening.splice(listening.indexOf(channel), 1),
      },
    };
    const required: string[] = [];
    const requireStub = (id: string) => {
      required.push(id);
      if (id === 'electron') return electron;
      throw new Error(`a sandboxed preload cannot require ${id}`);
    };
    new Function('require', 'module', 'exports', code)(requireStub, { exports: {} }, {});

    expect(required).toEqual(['electron']);
    expect(Object.keys(exposed)).toEqual(['workbench']);
    const api = exposed.workbench as WorkbenchApi;
    expect(Object.keys(api).sort()).toEqual([...CALL_NAMES, ...EVENT_NAMES].sort());
    await expect(api.getTemplate('lenet5')).resolves.toBe('answer');
    expect(invoked).toEqual([['workbench:call:getTemplate', ['lenet5']]]);
    const off = api.onMenuCommand(() => undefined);
    expect(listening).toEqual(['workbench:event:onMenuCommand']);
    off();
    expect(listening).toEqual([]);
  });
});
