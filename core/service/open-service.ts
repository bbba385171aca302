import { openWorkspace, type Workspace } from '../store/workspace';
import { createWorkbenchService, type ServiceOptions, type WorkbenchService } from './workbench-service';

export interface OpenedService {
  service: WorkbenchService;
  workspace: Workspace;
  close(): void;
}

/** Opens (creating on first start) the workspace file and builds the service on it. */
export function openWorkbenchService(options: Omit<ServiceOptions, 'drafts' | 'workspacePath'> & { workspacePath: string }): OpenedService {
  const workspace = openWorkspace(options.workspacePath);
  const service = createWorkbenchService({ ...options, drafts: workspace.drafts });
  return { service, workspace, close: () => workspace.close() };
}
