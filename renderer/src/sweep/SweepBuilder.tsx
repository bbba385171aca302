import { useEffect, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import type { StartSweepRequest, SweepDimensionChoice } from '../../../core/api/contract';
import { api } from '../api/workbench-api';
import { editorStore, useEditor } from '../editor/editor-store-context';
import { Field, settingsOf } from '../training/TrainPanel';
import { dataSpecOf, trainingStore } from '../training/training-store';
import { setSweepForm, sweepStore, type SweepForm } from './sweep-store';

const whole = (label: string, text: string) => {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n)) throw new Error(`${label}: expected a whole number, got "${text}"`);
  return n;
};

function requestOf(form: SweepForm): StartSweepRequest {
  const training = trainingStore.getState().form;
  const optional = (label: string, text: string) => {
    if (text.trim() === '') return undefined;
    const n = Number(text);
    if (!(Number.isFinite(n) && n > 0)) throw new Error(`${label}: expected a number > 0, got "${text}"`);
    return n;
  };
  return {
    graph: editorStore.getState().doc,
    data: dataSpecOf(training),
    settings: settingsOf(training),
    backend: training.backend,
    dimensions: form.rows.filter((r) => r.values.trim() !== '').map((r) => `${r.name}=${r.values}`),
    search: form.search === 'grid' ? { kind: 'grid' } : { kind: 'random', count: whole('Trials', form.count), seed: whole('Search seed', form.seed) },
    budget: { runs: optional('Budget runs', form.budgetRuns), minutes: optional('Budget minutes', form.budgetMinutes) },
    earlyStopping: form.earlyStopping,
  };
}

/**
 * The sweep builder: the dimensions to vary (training settings or node.param, by name, with the
 * values typed), the search, the budget and the early-stopping rule. The base is the Train form's
 * settings and data and the editor's graph.
 */
export function SweepBuilder() {
  const form = useStore(sweepStore, (s) => s.form);
  const selected = useStore(sweepStore, (s) => s.sweeps.find((x) => x.id === s.selected) ?? null);
  const trainable = useEditor((s) => s.compiled.ok);
  const nodeNames = useEditor((s) => s.doc.nodes.map((n) => `${n.name}:${n.kind}`).join(','));
  const [choices, setChoices] = useState<SweepDimensionChoice[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    api.sweepDimensions(editorStore.getState().doc).then(setChoices, () => setChoices([]));
  }, [nodeNames]);
  const names = useMemo(() => new Set(choices.map((c) => c.name)), [choices]);
  const setRow = (i: number, patch: Partial<SweepForm['rows'][number]>) => setSweepForm({ rows: form.rows.map((r, j) => (j === i ? { ...r, ...patch } : r)) });

  const call = async (what: () => Promise<unknown>) => {
    setError(null);
    setBusy(true);
    try {
      await what();
    } catch (e) {
      setError((e as Error).message.replace(/^startSweep: /, ''));
    } finally {
      setBusy(false);
    }
  };
  const start = () =>
    call(async () => {
      const summary = await api.startSweep(requestOf(form));
      sweepStore.setState({ selected: summary.id, detail: null });
    });

  return (
    <form className="sweep-builder" aria-label="Sweep builder" onSubmit={(e) => e.preventDefault()}>
      <p className="muted sweep-base">Base: the graph in the editor and the Train tab's data and settings. Each trial is a run.</p>
      {form.rows.map((row, i) => (
        <div className="sweep-dimension" key={i}>
          <select aria-label={`Dimension ${i + 1}`} value={row.name} onChange={(e) => setRow(i, { name: e.target.value })}>
            {!names.has(row.name) && <option value={row.name}>{row.name}</option>}
            {choices.map((c) => (
              <option key={c.name} value={c.name} title={c.describe}>
                {c.name}
              </option>
            ))}
          </select>
          <input aria-label={`Values of dimension ${i + 1}`} placeholder={form.search === 'random' ? 'a, b, c or lo..hi' : 'a, b, c'} value={row.values} onChange={(e) => setRow(i, { values: e.target.value })} />
          <button type="button" className="small" aria-label={`Remove dimension ${i + 1}`} disabled={form.rows.length === 1} onClick={() => setSweepForm({ rows: form.rows.filter((_, j) => j !== i) })}>
            ✕
          </button>
        </div>
      ))}
      <button type="button" className="small sweep-add" onClick={() => setSweepForm({ rows: [...form.rows, { name: choices.find((c) => !form.rows.some((r) => r.name === c.name))?.name ?? 'lr', values: '' }] })}>
        Add dimension
      </button>
      <Field label="Search">
        <select aria-label="Search" value={form.search} onChange={(e) => setSweepForm({ search: e.target.value as SweepForm['search'] })}>
          <option value="grid">Grid: every combination</option>
          <option value="random">Random: seeded draws</option>
        </select>
      </Field>
      {form.search === 'random' && (
        <>
          <Field label="Trials">
            <input aria-label="Trials" value={form.count} onChange={(e) => setSweepForm({ count: e.target.value })} />
          </Field>
          <Field label="Search seed">
            <input aria-label="Search seed" value={form.seed} onChange={(e) => setSweepForm({ seed: e.target.value })} />
          </Field>
        </>
      )}
      <Field label="Budget">
        <span className="sweep-budget">
          <input aria-label="Budget runs" placeholder="runs" value={form.budgetRuns} onChange={(e) => setSweepForm({ budgetRuns: e.target.value })} />
          <input aria-label="Budget minutes" placeholder="minutes" value={form.budgetMinutes} onChange={(e) => setSweepForm({ budgetMinutes: e.target.value })} />
        </span>
      </Field>
      <Field label="Early stop">
        <select aria-label="Early stopping" value={form.earlyStopping} onChange={(e) => setSweepForm({ earlyStopping: e.target.value as SweepForm['earlyStopping'] })}>
          <option value="median">Median rule (validation)</option>
          <option value="none">None</option>
        </select>
      </Field>
      <div className="train-buttons" role="toolbar" aria-label="Sweep controls">
        <button type="button" className="primary" disabled={busy || !trainable || selected?.live === true} title={trainable ? '' : 'the graph has errors'} onClick={() => void start()}>
          Start sweep
        </button>
        <button type="button" disabled={!selected?.live} onClick={() => void call(() => api.stopSweep(selected!.id))}>
          Stop sweep
        </button>
        <button type="button" disabled={!selected?.resumable} onClick={() => void call(() => api.continueSweep(selected!.id))}>
          Continue sweep
        </button>
      </div>
      {error && (
        <div role="alert" className="error-text" aria-label="Sweep error">
          {error}
        </div>
      )}
    </form>
  );
}
