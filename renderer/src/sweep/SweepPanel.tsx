import { useCallback, useEffect, useState } from 'react';
import { useStore } from 'zustand';
import { api } from '../api/workbench-api';
import { loadRunIntoEditor } from '../runs/load-run';
import { continueRunInDashboard } from '../training/continue-run';
import { followRunFromStore, trainingStore } from '../training/training-store';
import { dockStore } from '../workbench/dock-store';
import { ParallelCoordinates } from './ParallelCoordinates';
import { SweepBuilder } from './SweepBuilder';
import { sweepStore } from './sweep-store';
import { SweepScatter } from './SweepScatter';
import { SweepTable } from './SweepTable';

/** While a sweep runs, the Train tab follows its running trial (when it follows nothing live). */
function followTrial(runId: number): void {
  const s = trainingStore.getState();
  if (s.runId === runId || s.status === 'running' || s.status === 'paused' || s.status === 'starting') return;
  api.getRun(runId).then((run) => followRunFromStore(run), () => undefined);
}

/** The sweep builder beside its live results: the table, a parallel-coordinates view and a scatter. */
export function SweepPanel() {
  const sweeps = useStore(sweepStore, (s) => s.sweeps);
  const selected = useStore(sweepStore, (s) => s.selected);
  const detail = useStore(sweepStore, (s) => s.detail);
  const view = useStore(sweepStore, (s) => s.view);
  const [notice, setNotice] = useState<{ error: boolean; text: string } | null>(null);

  const refresh = useCallback(async () => {
    try {
      const list = await api.listSweeps();
      const id = sweepStore.getState().selected ?? list[0]?.id ?? null;
      const next = id === null ? null : await api.getSweep(id);
      sweepStore.setState({ sweeps: list, selected: id, detail: next });
      const running = next?.rows.find((r) => r.state === 'running' && r.runId !== null);
      if (running && next?.summary.live) followTrial(running.runId!);
    } catch (e) {
      setNotice({ error: true, text: (e as Error).message });
    }
  }, []);
  useEffect(() => {
    void refresh();
    const off = api.onSweepChanged(() => void refresh());
    const offSelected = sweepStore.subscribe((s, before) => {
      if (s.selected !== before.selected) void refresh();
    });
    return () => {
      off();
      offSelected();
    };
  }, [refresh]);

  const act = (what: () => Promise<unknown>, done: string) =>
    what().then(
      () => setNotice({ error: false, text: done }),
      (e: Error) => setNotice({ error: true, text: e.message }),
    );
  const load = (runId: number) => act(() => loadRunIntoEditor(runId, { settings: true }), `Loaded run ${runId}: its graph is in the editor and its settings in the Train tab.`);
  const continueRun = (runId: number) =>
    act(async () => {
      await continueRunInDashboard(runId);
      dockStore.setState({ tab: 'train' });
    }, `Continuing run ${runId}.`);

  return (
    <section className="sweep-panel" aria-label="Sweep">
      <SweepBuilder />
      <div className="sweep-results">
        <div className="inline sweep-header">
          <select aria-label="Sweep shown" value={selected ?? ''} onChange={(e) => sweepStore.setState({ selected: Number(e.target.value), detail: null })}>
            {sweeps.length === 0 && <option value="">no sweeps yet</option>}
            {sweeps.map((s) => (
              <option key={s.id} value={s.id}>
                sweep {s.id} ({s.experiment}): {s.done}/{s.trials} {s.live ? 'running' : s.status === 'running' ? 'interrupted' : s.status}
              </option>
            ))}
          </select>
          {detail && (
            <span role="status" aria-label="Sweep status" data-status={detail.summary.live ? 'running' : detail.summary.status} className="muted">
              {detail.summary.done}/{detail.summary.trials} trials done · {detail.search} · early stopping: {detail.earlyStopping}
              {detail.summary.statusDetail ? ` · ${detail.summary.statusDetail}` : ''}
            </span>
          )}
          {notice && (
            <span role={notice.error ? 'alert' : 'status'} aria-label="Sweep notice" className={notice.error ? 'error-text' : 'ok-text'}>
              {notice.text}
            </span>
          )}
        </div>
        {detail && (
          <div className="sweep-views">
            <SweepTable detail={detail} onLoad={(id) => void load(id)} onContinue={(id) => void continueRun(id)} />
            <div className="sweep-chart">
              <div role="tablist" aria-label="Sweep plots" className="inline">
                <button type="button" role="tab" aria-selected={view === 'scatter'} onClick={() => sweepStore.setState({ view: 'scatter' })}>
                  Scatter
                </button>
                <button type="button" role="tab" aria-selected={view === 'parallel'} onClick={() => sweepStore.setState({ view: 'parallel' })}>
                  Parallel coordinates
                </button>
              </div>
              {view === 'scatter' ? <SweepScatter detail={detail} /> : <ParallelCoordinates detail={detail} />}
            </div>
          </div>
        )}
      </div>
    </section>
  );
}
