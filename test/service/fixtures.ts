import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openWorkbenchService, type OpenedService } from '../../core/service/open-service';

export const repoRoot = resolve(import.meta.dirname, '..', '..');
export const templatesFolder = join(repoRoot, 'resources', 'templates');

/** A service on a fresh temporary workspace; dispose() closes it and removes the folder. */
export function tempService(): OpenedService & { folder: string; dispose(): void } {
  const folder = mkdtempSync(join(tmpdir(), 'cnnwb-service-'));
  const opened = openWorkbenchService({ workspacePath: join(folder, 'workspace.db'), templatesFolder, shell: 'browser', version: '9.9.9' });
  return {
    ...opened,
    folder,
    dispose: () => {
      opened.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
