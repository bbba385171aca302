import { useCallback, useEffect, useState } from 'react';
import type { RunDetail, RunSummary } from '../../../core/api/contract';
import { api } from '../api/workbench-api';
import { resolveHostPath } from '../editor/ResolvedPath';
import { dockStore } from '../workbench/dock-store';
import { continueRunInDashboard } from '../training/continue-run';
import { CompareView } from './CompareView';
import { loadRunIntoEditor } from './load-run';
import { RunView } from './RunView';

type Editing = { runId: number; kind: 'rename' | 'export'; text: string } | null;

function formatDate(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' });
}

/** The workspace's runs: open, compare, load into the editor, continue, rename, delete, export, import. */
export function RunsPanel() {
  const [runs, setRuns] = useState<RunSummary[]>([]);
  const [chosen, setChosen] = useState<number[]>([]);
  const [opened, setOpened] = useState<RunDetail | null>(null);
  const [compared, setCompared] = useState<RunDetail[] | null>(null);
  const [editing, setEditing] = useState<Editing>(null);
  const [confirmDelete, setConfirmDelete] = useState<number | null>(null);
  const [importPath, setImportPath] = useState('');
  const [notice, setNotice] = useState<{ error: boolean; text: string } | null>(null);

  // Export and import paths are host paths: say where a relative one goes.
  const [workingFolder, setWorkingFolder] = useState<string | null>(null);
  useEffect(() => {
    api.appInfo().then((info) => setWorkingFolder(info.workingFolder), () => setWorkingFolder(null));
  }, []);
  const hostPath = (path: string) => (workingFolder ? resolveHostPath(path, workingFolder) : path);
  const refresh = useCallback(() => api.listRuns().then(setRuns, (e: Error) => setNotice({ error: true, text: e.message })), []);
  useEffect(() => {
    void refresh();
    return api.onRunsChanged(() => void refresh());
  }, [refresh]);

  const act = async (what: () => Promise<unknown>, done?: string) => {
    try {
      await what();
      if (done) setNotice({ error: false, text: done });
      await refresh();
    } catch (e) {
      setNotice({ error: true, text: (e as Error).message });
    }
  };
  const loadIntoEditor = (runId: number) => act(() => loadRunIntoEditor(runId), `Loaded the graph of run ${runId}; inspections now use its latest checkpoint.`);
  const continueRun = (runId: number) =>
    act(async () => {
      await continueRunInDashboard(runId);
      dockStore.setState({ tab: 'train' });
    });
  const toggle = (id: number) => setChosen((c) => (c.includes(id) ? c.filter((x) => x !== id) : [...c, id]));

  return (
    <section className="runs-panel" aria-label="Runs">
      <div className="inline runs-toolbar">
        <button type="button" onClick={() => void refresh()}>
          Refresh
        </button>
        <button type="button" disabled={chosen.length < 2} onClick={() => void act(async () => setCompared(await Promise.all(chosen.map((id) => api.getRun(id)))))}>
          Compare {chosen.length > 0 ? `(${chosen.length})` : ''}
        </button>
        <input aria-label="Import path" placeholder="exported run file on the host" title={importPath ? hostPath(importPath) : undefined} value={importPath} onChange={(e) => setImportPath(e.target.value)} />
        <button type="button" disabled={!importPath.trim()} onClick={() => void act(async () => setNotice({ error: false, text: (await api.importRuns(importPath.trim())).message }))}>
          Import
        </button>
        {notice && (
          <span role={notice.error ? 'alert' : 'status'} aria-label="Runs notice" className={notice.error ? 'error-text' : 'ok-text'}>
            {notice.text}
          </span>
        )}
      </div>
      <div className="runs-table-scroll">
        <table className="runs-table" aria-label="Runs list">
          <thead>
            <tr>
              <th />
              <th>Name</th>
              <th>Status</th>
              <th>Started</th>
              <th>Best val. acc.</th>
              <th>Optimizer</th>
              <th>Backend</th>
              <th>Sweep</th>
              <th>Steps</th>
              <th className="row-actions">Actions</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr key={r.id} data-run-id={r.id} aria-label={`Run ${r.name}`}>
                <td>
                  <input type="checkbox" aria-label={`Choose ${r.name}`} checked={chosen.includes(r.id)} onChange={() => toggle(r.id)} />
                </td>
                <td>
                  {editing?.runId === r.id && editing.kind === 'rename' ? (
                    <form
                      onSubmit={(e) => {
                        e.preventDefault();
                        void act(() => api.renameRun(r.id, editing.text)).then(() => setEditing(null));
                      }}
                    >
                      <input aria-label={`New name for ${r.name}`} autoFocus value={editing.text} onChange={(e) => setEditing({ ...editing, text: e.target.value })} />
                    </form>
                  ) : (
                    r.name
                  )}
                </td>
                <td className={`status-${r.status}`}>{r.status}</td>
                <td>{formatDate(r.startedAt)}</td>
                <td className="num">{r.bestValAccuracy !== null ? `${(100 * r.bestValAccuracy).toFixed(2)}%` : '—'}</td>
                <td>{r.optimizer ?? '—'}</td>
                <td>{r.backend}</td>
                <td>{r.sweep ? `${r.sweep.id} (trial ${r.sweep.trial})` : '—'}</td>
                <td className="num">{r.lastStep ?? 0}</td>
                <td className="row-actions">
                  <div className="row-actions-buttons">
                    <button type="button" className="small" onClick={() => void act(async () => setOpened(await api.getRun(r.id)))}>
                      Open
                    </button>
                    <button type="button" className="small" onClick={() => void loadIntoEditor(r.id)}>
                      Load into editor
                    </button>
                    <button type="button" className="small" disabled={!r.resumable} onClick={() => void continueRun(r.id)}>
                      Continue
                    </button>
                    <button type="button" className="small" onClick={() => setEditing({ runId: r.id, kind: 'rename', text: r.name })}>
                      Rename
                    </button>
                    {editing?.runId === r.id && editing.kind === 'export' ? (
                      <form
                        className="inline"
                        onSubmit={(e) => {
                          e.preventDefault();
                          void act(() => api.exportRun(r.id, editing.text), `Exported ${r.name} to ${hostPath(editing.text)}`).then(() => setEditing(null));
                        }}
                      >
                        <input aria-label={`Export path for ${r.name}`} title={hostPath(editing.text)} autoFocus value={editing.text} onChange={(e) => setEditing({ ...editing, text: e.target.value })} />
                        <button type="submit" className="small">
                          Write
                        </button>
                      </form>
                    ) : (
                      <button type="button" className="small" onClick={() => setEditing({ runId: r.id, kind: 'export', text: `${r.name}.cnnwb` })}>
                        Export
                      </button>
                    )}
                    {confirmDelete === r.id ? (
                      <button type="button" className="small danger" onClick={() => void act(() => api.deleteRun(r.id), `Deleted ${r.name}`).then(() => setConfirmDelete(null))}>
                        Confirm delete
                      </button>
                    ) : (
                      <button type="button" className="small" disabled={r.live} onClick={() => setConfirmDelete(r.id)}>
                        Delete
                      </button>
                    )}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {runs.length === 0 && <p className="muted">No runs in this workspace yet.</p>}
      {opened && <RunView run={opened} onClose={() => setOpened(null)} />}
      {compared && <CompareView runs={compared} onClose={() => setCompared(null)} />}
    </section>
  );
}
