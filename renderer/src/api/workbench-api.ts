import { createApiClient } from '../../../core/api/client';
import type { WorkbenchApi } from '../../../core/api/contract';
import { createHttpTransport } from './http-transport';

declare global {
  interface Window {
    /** Exposed by the Electron preload; absent in a plain browser. */
    workbench?: WorkbenchApi;
  }
}

/** The contract, through Electron's preload where present, else through the browser host. */
export const api: WorkbenchApi = window.workbench ?? createApiClient(createHttpTransport(window.location.origin));
