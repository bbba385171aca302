import { useCallback, useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { LayerActivationData } from '../../../core/api/contract';
import { inspectStore } from './inspect-store';
import { MatrixCanvas } from './MatrixCanvas';

const MAX_MAPS = 16;
const MAX_FILTERS = 32;

function ChannelMap({ layer, c }: { layer: LayerActivationData; c: number }) {
  const at = useCallback((r: number, col: number) => layer.values[c + layer.d * (r + layer.a * col)], [layer, c]);
  const scale = Math.max(2, Math.floor(56 / Math.max(layer.a, layer.b)));
  return <MatrixCanvas rows={layer.a} cols={layer.b} at={at} width={layer.b * scale} height={layer.a * scale} label={`${layer.name} channel ${c}`} grey />;
}

function VectorMap({ layer }: { layer: LayerActivationData }) {
  const at = useCallback((_r: number, col: number) => layer.values[col], [layer]);
  return <MatrixCanvas rows={1} cols={layer.d} at={at} width={Math.min(400, layer.d * 12)} height={14} label={`${layer.name} output`} />;
}

function Filter({ values, h, d, c }: { values: number[]; h: number; d: number; c: number }) {
  const at = useCallback((i: number, j: number) => values[i + h * j + h * h * c], [values, h, c]);
  void d;
  return <MatrixCanvas rows={h} cols={h} at={at} width={h * 6} height={h * 6} label="filter" />;
}

/** Activation maps of every layer for the chosen training instance (inspect-store), conv filters as images, dead ReLUs. */
export function ActivationsPanel() {
  const inspection = useStore(inspectStore, (s) => s.inspection);
  const error = useStore(inspectStore, (s) => s.inspectionError);
  const weightsRunId = useStore(inspectStore, (s) => s.weightsRunId);
  const chosen = useStore(inspectStore, (s) => s.sample);
  const busy = useStore(inspectStore, (s) => s.inspecting);
  // The field follows the instance chosen anywhere (the canvas picker too); typing stays local until shown.
  const [sample, setSample] = useState(String(chosen));
  useEffect(() => setSample(String(chosen)), [chosen]);
  const show = () => inspectStore.getState().chooseSample(Number(sample));
  return (
    <section className="activations-panel" aria-label="Activations">
      <div className="inline">
        <label>
          Training instance <input aria-label="Sample index" value={sample} onChange={(e) => setSample(e.target.value)} size={5} />
        </label>
        <button type="button" onClick={show} disabled={busy}>
          {busy ? 'Computing…' : 'Show activations'}
        </button>
        <span className="muted">weights: {inspection?.weights ?? (weightsRunId !== null ? `run ${weightsRunId}` : 'He initialisation, seed 1')}</span>
        {weightsRunId !== null && (
          <button type="button" className="small" title="inspect the seeded He initialisation instead of the run's checkpoint" onClick={() => inspectStore.getState().setWeightsRun(null)}>
            use He initialisation
          </button>
        )}
      </div>
      {error && <div role="alert" className="error-text">{error}</div>}
      {inspection && (
        <>
          <p data-testid="inspection-label">
            instance {inspection.sample}: label {inspection.label}, predicted {inspection.predicted}
          </p>
          {inspection.activations.map((layer) => (
            <div key={layer.nodeId} className="activation-row" aria-label={`Activations of ${layer.name}`}>
              <div className="activation-title">
                <strong>{layer.name}</strong> <span className="muted">{layer.d}x{layer.a}x{layer.b}</span>
                {inspection.deadUnits
                  .filter((d) => d.nodeId === layer.nodeId)
                  .map((d) => (
                    <span key={d.nodeId} className={d.fraction >= 0.5 ? 'error-text' : 'muted'}>
                      {' '}
                      dead ReLUs {d.dead}/{d.units}
                    </span>
                  ))}
              </div>
              <div className="activation-maps">
                {layer.a * layer.b > 1 ? Array.from({ length: Math.min(layer.d, MAX_MAPS) }, (_, c) => <ChannelMap key={c} layer={layer} c={c} />) : <VectorMap layer={layer} />}
                {layer.a * layer.b > 1 && layer.d > MAX_MAPS && <span className="muted">+{layer.d - MAX_MAPS} channels</span>}
              </div>
            </div>
          ))}
          <h2>Conv filters (channel 0 of each filter, row r of W reshaped h x h x d)</h2>
          {inspection.filters.map((f) => (
            <div key={f.nodeId} className="activation-row" aria-label={`Filters of ${f.nodeId}`}>
              <div className="activation-title">
                <strong>{f.nodeId}</strong> <span className="muted">{f.count} filters {f.h}x{f.h}x{f.d}</span>
              </div>
              <div className="activation-maps">
                {f.filters.slice(0, MAX_FILTERS).map((values, r) => (
                  <Filter key={r} values={values} h={f.h} d={f.d} c={0} />
                ))}
              </div>
            </div>
          ))}
        </>
      )}
    </section>
  );
}
