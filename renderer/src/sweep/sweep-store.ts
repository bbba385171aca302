import { createStore } from 'zustand/vanilla';
import type { SweepDetail, SweepSummary } from '../../../core/api/contract';
import type { SweepSort } from './sweep-view';

export interface DimensionRow {
  name: string;
  /** As typed: "0.01, 0.001", or "log:1e-4..1e-2" for random search. */
  values: string;
}

export interface SweepForm {
  rows: DimensionRow[];
  search: 'grid' | 'random';
  count: string;
  seed: string;
  budgetRuns: string;
  budgetMinutes: string;
  earlyStopping: 'median' | 'none';
}

export interface SweepState {
  form: SweepForm;
  sweeps: SweepSummary[];
  /** The sweep the table shows. */
  selected: number | null;
  detail: SweepDetail | null;
  sort: SweepSort;
  view: 'scatter' | 'parallel';
  scatterX: string | null;
  scatterY: 'valAccuracy' | 'testAccuracy';
}

export const sweepStore = createStore<SweepState>(() => ({
  form: { rows: [{ name: 'lr', values: '' }], search: 'grid', count: '8', seed: '1', budgetRuns: '', budgetMinutes: '', earlyStopping: 'median' },
  sweeps: [],
  selected: null,
  detail: null,
  sort: { column: 'trial', descending: false },
  view: 'scatter',
  scatterX: null,
  scatterY: 'valAccuracy',
}));

export function setSweepForm(patch: Partial<SweepForm>): void {
  sweepStore.setState((s) => ({ form: { ...s.form, ...patch } }));
}
