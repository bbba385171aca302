/**
 * Sandboxed preload: exposes exactly one object, window.workbench (the typed WorkbenchApi), and
 * nothing of ipcRenderer itself. Every channel name is checked against the contract's lists.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { createApiClient, type ApiTransport } from '../../core/api/client';
import { IPC_CALL_PREFIX, IPC_EVENT_PREFIX, isCallName, isEventName } from '../../core/api/contract';

const transport: ApiTransport = {
  call(name, args) {
    if (!isCallName(name)) return Promise.reject(new Error(`unknown call ${JSON.stringify(name)}`));
    return ipcRenderer.invoke(`${IPC_CALL_PREFIX}${name}`, args);
  },
  subscribe(name, listener) {
    if (!isEventName(name)) throw new Error(`unknown event ${JSON.stringify(name)}`);
    const channel = `${IPC_EVENT_PREFIX}${name}`;
    const handler = (_event: IpcRendererEvent, data: unknown) => listener(data);
    ipcRenderer.on(channel, handler);
    return () => void ipcRenderer.removeListener(channel, handler);
  },
};

contextBridge.exposeInMainWorld('workbench', createApiClient(transport));
