import { useEffect } from 'react';
import { useStore } from 'zustand';
import { api } from '../api/workbench-api';
import { ActivationsPanel } from '../inspect/ActivationsPanel';
import { GradientsPanel } from '../inspect/GradientsPanel';
import { RunsPanel } from '../runs/RunsPanel';
import { TrainPanel } from '../training/TrainPanel';
import { receiveTrainingEvent } from '../training/training-store';
import { dockStore, type DockTab } from './dock-store';

const TABS: { id: DockTab; label: string }[] = [
  { id: 'train', label: 'Train' },
  { id: 'gradients', label: 'Gradients' },
  { id: 'activations', label: 'Activations' },
  { id: 'runs', label: 'Runs' },
];

/** Training, inspection and runs, in tabs under the canvas. Every panel stays mounted (plots keep their state). */
export function Dock() {
  const tab = useStore(dockStore, (s) => s.tab);
  const open = useStore(dockStore, (s) => s.open);
  useEffect(() => api.onTrainingEvent(receiveTrainingEvent), []);
  return (
    <section className={`dock${open ? '' : ' closed'}`} aria-label="Dock">
      <div className="dock-tabs" role="tablist">
        {TABS.map((t) => (
          <button key={t.id} type="button" role="tab" aria-selected={tab === t.id} onClick={() => dockStore.setState({ tab: t.id, open: true })}>
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
          {t.id === 'gradients' && <GradientsPanel />}
          {t.id === 'activations' && <ActivationsPanel />}
          {t.id === 'runs' && <RunsPanel />}
        </div>
      ))}
    </section>
  );
}
