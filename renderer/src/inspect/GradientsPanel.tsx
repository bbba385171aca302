import { useMemo, useState } from 'react';
import { useStore } from 'zustand';
import { Plot } from '../plots/Plot';
import { trainingStore } from '../training/training-store';
import { HistogramHeatmap } from './Heatmap';
import { inspectStore, shownStepIndex } from './inspect-store';

const COLORS = ['#1e88e5', '#e53935', '#43a047', '#fb8c00', '#8e24aa', '#00897b', '#6d4c41', '#3949ab', '#c0ca33', '#d81b60'];

/**
 * Per-layer gradient norms over the run, histograms over time, the time scrubber and the thresholds.
 * The flow is kept current by live-inspection.ts (refetched as statistics arrive and when the run ends).
 */
export function GradientsPanel() {
  const followed = useStore(trainingStore, (s) => s.runId);
  const flow = useStore(inspectStore, (s) => s.flow);
  const flowRunId = useStore(inspectStore, (s) => s.flowRunId);
  const scrub = useStore(inspectStore, (s) => s.scrub);
  const deadChecked = useStore(inspectStore, (s) => (s.inspection ? s.inspection.deadUnits.map((d) => `${d.nodeId} ${d.dead}/${d.units}`).join(', ') : null));
  const [layer, setLayer] = useState<string>('');
  const [tensor, setTensor] = useState<'dW' | 'W' | 'db' | 'b'>('dW');
  const error = useStore(inspectStore, (s) => s.flowError);
  const runId = followed ?? flowRunId;

  const k = shownStepIndex({ flow, scrub });
  const data = useMemo(() => (flow ? [flow.steps, ...flow.layers.flatMap((l) => [l.norms.dW, l.norms.db])] : [[]]), [flow]);
  const series = useMemo(
    () => (flow ? flow.layers.flatMap((l, i) => [{ label: `‖dW‖ ${l.layerId}`, color: COLORS[i % COLORS.length] }, { label: `‖db‖ ${l.layerId}`, color: COLORS[i % COLORS.length], dash: [4, 3] }]) : []),
    [flow],
  );
  if (runId === null) return <section className="gradients-panel" aria-label="Gradients"><p className="muted">Train a run, or open one in Runs, to see its gradients.</p></section>;
  if (!flow) return <section className="gradients-panel" aria-label="Gradients"><p className="muted">{error ?? 'Loading statistics…'}</p></section>;
  const chosen = flow.layers.find((l) => l.layerId === layer) ?? flow.layers[0];
  return (
    <section className="gradients-panel" aria-label="Gradients">
      <div className="gradients-left">
        <Plot title={`Gradient norms, run ${flowRunId}`} data={data} series={series} version={flow.steps.length} width={460} height={200} logY />
        <label className="scrubber">
          <span>Step</span>
          <input
            type="range"
            aria-label="Time scrubber"
            min={0}
            max={Math.max(0, flow.steps.length - 1)}
            value={k ?? 0}
            onChange={(e) => inspectStore.getState().setScrub(Number(e.target.value))}
          />
          <output data-testid="scrubbed-step">{k !== null ? flow.steps[k] : '–'}</output>
          <button type="button" className="small" onClick={() => inspectStore.getState().setScrub(null)}>
            latest
          </button>
        </label>
        <p className="muted thresholds" aria-label="Warning thresholds">
          Edges are coloured by ‖dW‖ at this step (blue small → red large, log scale). Warnings: vanishing when ‖dW‖/‖W‖ &lt; {flow.thresholds.vanishingRatio.toExponential(0)}, exploding when ‖dW‖/‖W‖ &gt; {flow.thresholds.explodingRatio} or not finite; dead ReLUs when ≥{' '}
          {Math.round(flow.thresholds.deadReluFraction * 100)}% of a layer's units output 0 on all of 32 training images (Activations tab).
        </p>
        <button type="button" className="small" onClick={() => void inspectStore.getState().inspect(inspectStore.getState().sample)}>
          Check dead ReLUs now
        </button>
        {deadChecked && <span className="muted"> (checked: {deadChecked})</span>}
        {k !== null && flow.warnings[k].length > 0 && (
          <ul className="error-text">
            {flow.warnings[k].map((w, i) => (
              <li key={i}>
                {w.layerId}: {w.message}
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="gradients-right">
        <div className="inline">
          <select aria-label="Histogram layer" value={chosen?.layerId ?? ''} onChange={(e) => setLayer(e.target.value)}>
            {flow.layers.map((l) => (
              <option key={l.layerId} value={l.layerId}>
                {l.layerId}
              </option>
            ))}
          </select>
          <select aria-label="Histogram tensor" value={tensor} onChange={(e) => setTensor(e.target.value as typeof tensor)}>
            <option value="dW">dW (gradient)</option>
            <option value="W">W (weights)</option>
            <option value="db">db</option>
            <option value="b">b</option>
          </select>
        </div>
        {chosen && <HistogramHeatmap histograms={chosen.histograms[tensor]} steps={flow.steps} marked={k} label={`${tensor} of ${chosen.layerId}`} />}
      </div>
    </section>
  );
}
