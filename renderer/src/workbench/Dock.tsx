import { useEffect } from 'react';
import { useStore } from 'zustand';
import { api } from '../api/workbench-api';
import { ActivationsPanel } from '../inspect/ActivationsPanel';
import { GradientsPanel } from '../inspect/GradientsPanel';
import { LecturePanel } from '../lecture/LecturePanel';
import { startLiveInspection } from '../inspect/live-inspection';
import { RunsPanel } from '../runs/RunsPanel';
import { SweepPanel } from '../sweep/SweepPanel';
import { TrainPanel } from '../training/TrainPanel';
import { followRunFromStore, receiveTrainingEvent, trainingStore } from '../training/training-store';
import { dockStore, showDockTab, type DockTab } from './dock-store';

const TABS: { id: DockTab; label: string }[] = [
  { id: 'train', label: 'Train' },
  { id: 'sweep', label: 'Sweep' },
  { id: 'gradients', label: 'Gradients' },
  { id: 'activations', label: 'Activations' },
  { id: 'runs', label: 'Runs' },
  { id: 'lecture', label: 'Lecture' },
];

/** Training, inspection and runs, in tabs under the canvas. Every panel stays mounted (plots keep their state). */
export function Dock() {
  const tab = useStore(dockStore, (s) => s.tab);
  const open = useStore(dockStore, (s) => s.open);
  useEffect(() => {
    const off = api.onTrainingEvent(receiveTrainingEvent);
    const offLive = startLiveInspection();
    // A run training in the service that this page does not follow (the page was reloaded, even
    // while the run was still starting): follow it, with its curves so far from the store.
    const adoptLiveRun = () =>
      api
        .listRuns()
        .then(async (runs) => {
          const live = runs.find((r) => r.live);
          if (live && trainingStore.getState().runId === null) followRunFromStore(await api.getRun(live.id));
        })
        .catch(() => undefined);
    void adoptLiveRun();
    const offRuns = api.onRunsChanged(() => {
      if (trainingStore.getState().runId === null) void adoptLiveRun();
    });
    return () => {
      off();
      offLive();
      offRuns();
    };
  }, []);
  return (
    <section className={`dock${open ? '' : ' closed'}`} aria-label="Dock">
      <div className="dock-tabs" role="tablist">
        {TABS.map((t) => (
          <button key={t.id} type="button" role="tab" aria-selected={tab === t.id} onClick={() => showDockTab(t.id)}>
            {t.label}
          </button>
        ))}
        <button type="button" className="dock-toggle" aria-label={open ? 'Hide dock' : 'Show dock'} onClick={() => dockStore.setState({ open: !open })}>
          {open ? '▾' : '▴'}
        </button>
      </div>
      {TABS.map((t) => (
        <div key={t.id} role="tabpanel" aria-label={t.label} hidden={!open || tab !== t.id} className="dock-panel">
          {t.id === 'train' && <TrainPanel />}
          {t.id === 'sweep' && <SweepPanel />}
          {t.id === 'gradients' && <GradientsPanel />}
          {t.id === 'activations' && <ActivationsPanel />}
          {t.id === 'runs' && <RunsPanel />}
          {t.id === 'lecture' && <LecturePanel />}
        </div>
      ))}
    </section>
  );
}
