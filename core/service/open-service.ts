import { openWorkspace, type Workspace } from '../store/workspace';
import { createWorkbenchService, type ServiceOptions, type WorkbenchService } from './workbench-service';

export interface OpenedService {
  service: WorkbenchService;
  workspace: Workspace;
  /** Stops any training first (its workers write to the workspace), then closes the workspace. */
  close(): Promise<void>;
}

/** Opens (creating on first start) the workspace file and builds the service on it. */
export function openWorkbenchService(options: Omit<ServiceOptions, 'drafts' | 'workspacePath'> & { workspacePath: string }): OpenedService {
  const workspace = openWorkspace(options.workspacePath);
  const service = createWorkbenchService({ ...options, drafts: workspace.drafts, workspace });
  const close = async () => {
    const live = service.liveRunIds().length > 0;
    const stopped = service.shutdown(); // ends the inspection worker at once
    if (live) await stopped;
    workspace.close();
  };
  return { service, workspace, close };
}
