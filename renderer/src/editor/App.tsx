import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { useEffect, useState } from 'react';
import type { AppInfo } from '../../../core/api/contract';
import { api } from '../api/workbench-api';
import { startAutosave, type AutosaveStatus } from './autosave';
import { Canvas } from './Canvas';
import { isTextFieldFocused, runCommand, shortcutFor } from './commands';
import { editorStore, useEditor } from './editor-store-context';
import { ErrorList } from './ErrorList';
import { configureFileActions, startOnFirstTemplate, type FileDialogRequest } from './file-actions';
import { FileDialog } from './FileDialog';
import { configureModelActions, type ModelDialogRequest } from './model-actions';
import { ModelDialog } from './ModelDialog';
import { Palette } from './Palette';
import { ParamPanel } from './ParamPanel';
import { Toolbar } from './Toolbar';
import { NodeInspectPanel } from '../inspect/NodeInspectPanel';
import { VectorFormView } from '../inspect/VectorFormView';
import { Dock } from '../workbench/Dock';
import { WorkbenchLayout } from '../workbench/WorkbenchLayout';

const AUTOSAVE_TEXT: Record<AutosaveStatus, string> = {
  idle: '',
  pending: 'Saving draft…',
  saved: 'Draft saved in the workspace',
  failed: 'Draft NOT saved',
};

function StatusBar({ info, autosave }: { info: AppInfo | null; autosave: { status: AutosaveStatus; detail?: string } }) {
  const notice = useEditor((s) => s.notice);
  const connectFrom = useEditor((s) => s.connectFrom);
  return (
    <footer className="status-bar">
      <span className={`notice ${notice?.kind ?? ''}`} role={notice?.kind === 'error' ? 'alert' : 'status'} aria-label="Notice">
        {notice?.text ?? ''}
        {notice && (
          <button type="button" className="link" aria-label="Dismiss notice" onClick={() => editorStore.getState().notify(null)}>
            ×
          </button>
        )}
      </span>
      {connectFrom && <span role="status">Connecting from {connectFrom}: press Enter on an input handle.</span>}
      <span role="status" aria-label="Autosave" title={autosave.detail}>
        {AUTOSAVE_TEXT[autosave.status]}
      </span>
      <span className="muted">{info ? `${info.shell} · workspace ${info.workspacePath}` : ''}</span>
    </footer>
  );
}

function Workbench() {
  const flow = useReactFlow();
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [ready, setReady] = useState(false);
  const [dialog, setDialog] = useState<FileDialogRequest | null>(null);
  const [modelDialog, setModelDialog] = useState<ModelDialogRequest | null>(null);
  const [autosave, setAutosave] = useState<{ status: AutosaveStatus; detail?: string }>({ status: 'idle' });

  useEffect(() => {
    let stopAutosave = () => undefined as void;
    let cancelled = false;
    (async () => {
      const appInfo = await api.appInfo();
      configureFileActions({ nativeDialogs: appInfo.nativeDialogs, showFileDialog: setDialog });
      configureModelActions({ nativeDialogs: appInfo.nativeDialogs, showModelDialog: setModelDialog });
      const draft = await api.loadDraft();
      if (cancelled) return;
      if (draft) editorStore.getState().load(draft.graph, draft.filePath, draft.dirty);
      else await startOnFirstTemplate().catch(() => undefined); // an empty canvas still explains itself
      setInfo(appInfo);
      setReady(true);
      stopAutosave = startAutosave((status, detail) => setAutosave({ status, detail }));
    })().catch((e: Error) => editorStore.getState().notify({ kind: 'error', text: `Cannot reach the workbench service: ${e.message}` }));
    return () => {
      cancelled = true;
      stopAutosave();
    };
  }, [flow]);

  useEffect(() => api.onMenuCommand((command) => runCommand(command, flow)), [flow]);

  useEffect(() => {
    if (!info) return;
    const onKey = (event: KeyboardEvent) => {
      const command = shortcutFor(event);
      if (!command) return;
      // Electron's menu accelerators deliver these as onMenuCommand; text fields keep their own keys.
      if (info.shell === 'electron' && command !== 'delete') return;
      if (isTextFieldFocused() || dialog || modelDialog) return;
      event.preventDefault();
      runCommand(command, flow);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [info, flow, dialog, modelDialog]);

  return (
    <div className="workbench" aria-busy={!ready} data-ready={ready}>
      <Toolbar />
      <main className="workbench-main">
        <WorkbenchLayout
          palette={<Palette />}
          canvas={<Canvas />}
          dock={<Dock />}
          side={
            <aside className="side-panel">
              <ParamPanel />
              <NodeInspectPanel />
              <ErrorList />
            </aside>
          }
        />
      </main>
      <StatusBar info={info} autosave={autosave} />
      {dialog && <FileDialog request={dialog} workingFolder={info?.workingFolder} onClose={() => setDialog(null)} />}
      {modelDialog && <ModelDialog request={modelDialog} nativeDialogs={info?.nativeDialogs ?? false} workingFolder={info?.workingFolder} onClose={() => setModelDialog(null)} />}
      <VectorFormView />
    </div>
  );
}

export function App() {
  return (
    <ReactFlowProvider>
      <Workbench />
    </ReactFlowProvider>
  );
}
