import { useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import type { BackendInfo, ImportedWeightsInfo, TrainingSettings } from '../../../core/api/contract';
import { api } from '../api/workbench-api';
import { editorStore, useEditor } from '../editor/editor-store-context';
import { Plot } from '../plots/Plot';
import { inspectStore } from '../inspect/inspect-store';
import { dataSpecOf, followRun, setForm, trainingStore, type TrainingForm } from './training-store';
import { DataPreviewView } from './DataPreviewView';

const useTraining = <T,>(selector: (s: ReturnType<typeof trainingStore.getState>) => T) => useStore(trainingStore, selector);

export function settingsOf(form: TrainingForm): TrainingSettings {
  const num = (field: string, text: string) => {
    const v = Number(text);
    if (text.trim() === '' || !Number.isFinite(v)) throw new Error(`${field}: expected a number, got "${text}"`);
    return v;
  };
  const lr = num('learning rate', form.lr);
  return {
    optimizer: form.optimizer,
    epochs: num('epochs', form.epochs),
    batchSize: num('batch size', form.batchSize),
    seed: num('seed', form.seed),
    validationFraction: num('validation fraction', form.validationFraction),
    statsEvery: num('statistics every', form.statsEvery),
    averageDecay: num('weight averaging', form.averageDecay),
    sgd: { lr, momentum: num('momentum', form.momentum), decay: num('learning-rate decay', form.decay) },
    adam: { lr, decay: num('learning-rate decay', form.decay) },
    newton: { subsampleFraction: num('subsample fraction', form.subsample), cgMaxIterations: num('CG iterations', form.cgMaxIterations) },
  };
}

export function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <label className="form-field">
      <span>{label}</span>
      {children}
    </label>
  );
}

function formatSeconds(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '…';
  if (s < 60) return `${Math.round(s)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/**
 * images/s averaged over the last steps (each new step weighs 1/5), so one short step (the
 * last, partial batch of an epoch) does not make the figure jump; starts afresh with a new run.
 */
function useSmoothedRate(step: number, rate: number): number {
  const last = useRef({ step: -1, value: 0 });
  if (step !== last.current.step) {
    const fresh = last.current.step < 0 || step < last.current.step || last.current.value === 0;
    last.current = { step, value: fresh ? rate : 0.8 * last.current.value + 0.2 * rate };
  }
  return rate === 0 ? 0 : last.current.value;
}

/** Data, optimizer and settings; start, pause, resume, stop; progress; live plots. */
export function TrainPanel() {
  const form = useTraining((s) => s.form);
  const preview = useTraining((s) => s.preview);
  const previewError = useTraining((s) => s.previewError);
  const status = useTraining((s) => s.status);
  const runId = useTraining((s) => s.runId);
  const message = useTraining((s) => s.message);
  const backendUsed = useTraining((s) => s.backendUsed);
  const step = useTraining((s) => s.step);
  const totalSteps = useTraining((s) => s.totalSteps);
  const epoch = useTraining((s) => s.epoch);
  const imagesPerSec = useTraining((s) => s.imagesPerSec);
  const smoothedRate = useSmoothedRate(step, imagesPerSec);
  const secondsLeft = useTraining((s) => s.secondsLeft);
  const testAccuracy = useTraining((s) => s.testAccuracy);
  const series = useTraining((s) => s.series);
  const version = useTraining((s) => s.seriesVersion);
  const trainable = useEditor((s) => s.compiled.ok);
  const [backends, setBackends] = useState<BackendInfo[]>([]);
  const [error, setError] = useState<string | null>(null);
  const graphName = useEditor((s) => s.doc.name);
  const [imported, setImported] = useState<ImportedWeightsInfo | null>(null);
  useEffect(() => {
    // An ONNX import replaces the document (and its name): ask again what weights were imported.
    api.importedWeights().then(setImported, () => setImported(null));
  }, [graphName]);

  useEffect(() => {
    api.listBackends().then(setBackends, (e: Error) => setError(e.message));
  }, []);

  const loadPreview = async () => {
    trainingStore.setState({ preview: null, previewError: null });
    try {
      trainingStore.setState({ preview: await api.previewData(dataSpecOf(trainingStore.getState().form), 8) });
    } catch (e) {
      trainingStore.setState({ previewError: (e as Error).message });
    }
  };
  useEffect(() => {
    if (form.dataKind !== 'path') void loadPreview();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [form.dataKind]);

  const start = async () => {
    setError(null);
    try {
      const settings = settingsOf(form);
      trainingStore.setState({ status: 'starting', message: null, step: 0, totalSteps: 0, epoch: 0, imagesPerSec: 0, secondsLeft: null, testAccuracy: null });
      const started = await api.startTraining({ graph: editorStore.getState().doc, data: dataSpecOf(form), settings, backend: form.backend, runName: form.runName || undefined, ...(form.fromImported && imported ? { initialWeights: 'imported' as const } : {}) });
      followRun(started.runId, `${started.backend} (${started.backendDescription})`);
      inspectStore.getState().setWeightsRun(started.runId);
    } catch (e) {
      trainingStore.setState({ status: 'idle' });
      setError((e as Error).message);
    }
  };
  const control = (call: (id: number) => Promise<void>) => async () => {
    if (runId === null) return;
    try {
      await call(runId);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const live = status === 'running' || status === 'paused' || status === 'starting';
  const progress = totalSteps > 0 ? Math.min(1, step / totalSteps) : 0;

  return (
    <section className="train-panel" aria-label="Train">
      <div className="train-form">
        <Field label="Data">
          <select aria-label="Data" value={form.dataKind} onChange={(e) => setForm({ dataKind: e.target.value as TrainingForm['dataKind'] })}>
            <option value="sample">Fashion-MNIST sample (3000)</option>
            <option value="fashion-mnist">Fashion-MNIST (60000)</option>
            <option value="path">Import: IDX, CSV or image folder…</option>
          </select>
        </Field>
        {form.dataKind === 'path' && (
          <Field label="Path on the host">
            <span className="inline">
              <input aria-label="Data path" value={form.dataPath} placeholder="/data/train-images-idx3-ubyte.gz, a .csv, or a folder" onChange={(e) => setForm({ dataPath: e.target.value })} />
              <button type="button" onClick={() => void loadPreview()}>
                Preview
              </button>
            </span>
          </Field>
        )}
        <Field label="Optimizer">
          <select aria-label="Optimizer" value={form.optimizer} onChange={(e) => setForm({ optimizer: e.target.value as TrainingForm['optimizer'], lr: e.target.value === 'adam' ? '0.001' : '0.003' })}>
            <option value="sgd">SGD with momentum (simpleNN)</option>
            <option value="adam">Adam</option>
            <option value="newton">Newton (subsampled Gauss-Newton, CG)</option>
          </select>
        </Field>
        {form.optimizer !== 'newton' && (
          <Field label="Learning rate">
            <input aria-label="Learning rate" value={form.lr} onChange={(e) => setForm({ lr: e.target.value })} />
          </Field>
        )}
        {form.optimizer === 'sgd' && (
          <Field label="Momentum">
            <input aria-label="Momentum" title="μ in v ← μv − lr_t g" value={form.momentum} onChange={(e) => setForm({ momentum: e.target.value })} />
          </Field>
        )}
        {form.optimizer !== 'newton' && (
          <Field label="LR decay">
            <input aria-label="Learning-rate decay" title="lr_t = lr / (1 + decay t)" value={form.decay} onChange={(e) => setForm({ decay: e.target.value })} />
          </Field>
        )}
        {form.optimizer === 'newton' && (
          <>
            <Field label="Subsample">
              <input aria-label="Subsample fraction" title="fraction of the gradient batch used for the Gauss-Newton products (simpleNN: 0.05)" value={form.subsample} onChange={(e) => setForm({ subsample: e.target.value })} />
            </Field>
            <Field label="CG iterations">
              <input aria-label="CG iterations" title="CG stops at ||r|| ≤ 0.1 ||g|| or after this many iterations" value={form.cgMaxIterations} onChange={(e) => setForm({ cgMaxIterations: e.target.value })} />
            </Field>
          </>
        )}
        <Field label="Batch size">
          <input aria-label="Batch size" value={form.batchSize} onChange={(e) => setForm({ batchSize: e.target.value })} />
        </Field>
        <Field label="Epochs">
          <input aria-label="Epochs" value={form.epochs} onChange={(e) => setForm({ epochs: e.target.value })} />
        </Field>
        <Field label="Seed">
          <input aria-label="Seed" value={form.seed} onChange={(e) => setForm({ seed: e.target.value })} />
        </Field>
        <Field label="Validation">
          <input aria-label="Validation fraction" value={form.validationFraction} onChange={(e) => setForm({ validationFraction: e.target.value })} />
        </Field>
        <Field label="Stats every">
          <input aria-label="Statistics every" title="log per-layer gradient/weight statistics every this many steps" value={form.statsEvery} onChange={(e) => setForm({ statsEvery: e.target.value })} />
        </Field>
        <Field label="Averaging β">
          <input aria-label="Weight averaging" title="θ_avg ← β θ_avg + (1 − β) θ after every update; validation and the final model use θ_avg (0: off)" value={form.averageDecay} onChange={(e) => setForm({ averageDecay: e.target.value })} />
        </Field>
        <Field label="Backend">
          <select aria-label="Backend" value={form.backend} onChange={(e) => setForm({ backend: e.target.value })}>
            <option value="auto">auto (fastest here)</option>
            {backends.map((b) => (
              <option key={b.name} value={b.name} disabled={!b.ok} title={b.ok ? b.description : b.reason}>
                {b.name} ({b.dtype}){b.ok ? (b.description ? ` — ${b.description}` : '') : ' — unavailable'}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Run name">
          <input aria-label="Run name" value={form.runName} placeholder="run-N" onChange={(e) => setForm({ runName: e.target.value })} />
        </Field>
        {imported && (
          <label className="checkbox" title={`${imported.layers} layers, ${imported.parameterCount} weights${imported.preprocessing ? ', with preprocessing' : ''}`}>
            <input type="checkbox" checked={form.fromImported} onChange={(e) => setForm({ fromImported: e.target.checked })} /> Start from the imported weights ({imported.fileName})
          </label>
        )}
        <div className="train-buttons" role="toolbar" aria-label="Training controls">
          <button type="button" className="primary" disabled={live || !trainable} onClick={() => void start()} title={trainable ? '' : 'the graph has errors'}>
            Start
          </button>
          <button type="button" disabled={status !== 'running'} onClick={control((id) => api.pauseTraining(id))}>
            Pause
          </button>
          <button type="button" disabled={status !== 'paused'} onClick={control((id) => api.resumeTraining(id))}>
            Resume
          </button>
          <button type="button" disabled={!(status === 'running' || status === 'paused')} onClick={control((id) => api.stopTraining(id))}>
            Stop
          </button>
        </div>
        {error && (
          <div role="alert" className="error-text" aria-label="Training error">
            {error}
          </div>
        )}
        {previewError && (
          <div role="alert" className="error-text">
            {previewError}
          </div>
        )}
        {preview && <DataPreviewView preview={preview} />}
      </div>
      <div className="train-live">
        <div className="progress-line">
          <progress max={1} value={progress} aria-label="Training progress" />
          <span role="status" aria-label="Training status" data-status={status}>
            {runId !== null ? `run ${runId}: ` : ''}
            {status}
          </span>
          <span data-testid="progress-step">
            step {step}/{totalSteps || '?'} · epoch {epoch}
          </span>
          <span data-testid="images-per-sec">{Math.round(smoothedRate)} images/s</span>
          <span data-testid="time-left">{status === 'running' ? `${formatSeconds(secondsLeft)} left` : ''}</span>
          {backendUsed && <span className="muted" data-testid="backend-used">backend: {backendUsed}</span>}
          {testAccuracy !== null && <span data-testid="test-accuracy">test accuracy {(100 * testAccuracy).toFixed(2)}%</span>}
        </div>
        {message && <div className="muted">{message}</div>}
        <div className="plots">
          <Plot width={260} height={120} title="Loss" version={version} data={[series.step, series.loss, series.valLoss]} series={[{ label: 'train (batch)', color: '#1e88e5' }, { label: 'validation', color: '#e53935', points: true }]} />
          <Plot width={260} height={120} title="Accuracy" version={version} data={[series.step, series.accuracy, series.valAccuracy]} series={[{ label: 'train (batch)', color: '#1e88e5' }, { label: 'validation', color: '#e53935', points: true }]} />
          <Plot width={260} height={120} title="Learning rate" version={version} data={[series.step, series.lr]} series={[{ label: 'lr', color: '#43a047' }]} />
          <Plot width={260} height={120} title="Step time (ms)" version={version} data={[series.step, series.stepMs]} series={[{ label: 'ms', color: '#8e24aa' }]} />
        </div>
      </div>
    </section>
  );
}
