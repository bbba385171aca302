import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServiceWorker, type ServiceClient } from '../../electron/main/service-client';
import { ensureBuilt } from '../e2e/harness';
import { repoRoot, templatesFolder, tempService } from './fixtures';

// The core service entry (the built out/main/service-worker.js) behind service-client.ts. Electron
// main runs it as a child process (electron-node22.test.ts) or a utilityProcess
// (electron-main.test.ts); here it runs as a worker thread, the same entry over the third port.
describe('Electron main: the core service entry, as a worker thread', () => {
  let t: ReturnType<typeof tempService>;
  let client: ServiceClient;
  const events: [string, unknown][] = [];

  beforeAll(async () => {
    ensureBuilt();
    t = tempService();
    t.close(); // the worker opens the workspace itself
    client = await startServiceWorker(join(repoRoot, 'out', 'main', 'service-worker.js'), {
      workspacePath: join(t.folder, 'worker.db'),
      templatesFolder,
      version: '1.2.3',
    });
    client.onEvent((name, data) => events.push([name, data]));
  });
  afterAll(async () => {
    await client?.close();
    t?.dispose();
  });

  it('answers calls and forwards events', async () => {
    expect(await client.call('appInfo', [])).toMatchObject({ shell: 'electron', nativeDialogs: true, version: '1.2.3' });
    const graph = await client.call('getTemplate', ['simplenn-3layer']);
    const file = join(t.folder, 'three.json');
    expect(await client.call('saveGraphFile', [file, graph])).toEqual({ status: 'saved', path: file });
    await expect.poll(() => events).toEqual([['onRecentFilesChanged', [file]]]);
  });

  it('turns a failing call into a rejected promise with the message', async () => {
    await expect(client.call('getTemplate', ['nope'])).rejects.toThrow(/unknown template "nope"/);
  });

  it('closes the workspace on close, and then refuses calls', async () => {
    const second = await startServiceWorker(join(repoRoot, 'out', 'main', 'service-worker.js'), {
      workspacePath: join(t.folder, 'second.db'),
      templatesFolder,
      version: 'x',
    });
    await second.call('saveDraft', [{ graph: await second.call('getTemplate', ['lenet5']), filePath: null, dirty: true }]);
    await second.close();
    await expect(second.call('appInfo', [])).rejects.toThrow(/the core service has stopped \(exit code 0\)/);
    // closed cleanly: the WAL was checkpointed into the main file and removed
    expect(existsSync(join(t.folder, 'second.db-wal'))).toBe(false);
  });

  it('fails to start, with the reason, on a file that is not a workspace', async () => {
    await expect(
      startServiceWorker(join(repoRoot, 'out', 'main', 'service-worker.js'), {
        workspacePath: join(repoRoot, 'package.json'),
        templatesFolder,
        version: 'x',
      }),
    ).rejects.toThrow(/package\.json/);
  });
});
