import { Panel } from '@xyflow/react';
import { useCallback, useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { LayerActivationData } from '../../../core/api/contract';
import { inspectStore, normsAtShownStep, shownStepIndex } from './inspect-store';
import { MatrixCanvas } from './MatrixCanvas';
import { normColor } from './gradient-colors';

function Thumbnail({ input }: { input: LayerActivationData }) {
  const at = useCallback((r: number, col: number) => input.values[input.d * (r + input.a * col)], [input]);
  return <MatrixCanvas rows={input.a} cols={input.b} at={at} width={40} height={40} label={`Training instance ${input.name}`} grey />;
}

/** The one place the instance is chosen: node previews, the Activations tab and the vector form follow it. */
function InstancePicker() {
  const sample = useStore(inspectStore, (s) => s.sample);
  const inspection = useStore(inspectStore, (s) => s.inspection);
  const busy = useStore(inspectStore, (s) => s.inspecting);
  const [text, setText] = useState(String(sample));
  useEffect(() => setText(String(sample)), [sample]);
  const choose = (n: number) => inspectStore.getState().chooseSample(n);
  const input = inspection?.activations.find((a) => a.kind === 'input');
  return (
    <div className="instance-picker" role="group" aria-label="Chosen instance">
      {input && inspection?.sample === sample ? <Thumbnail input={input} /> : <div className="instance-thumb-empty" />}
      <div>
        <div className="inline">
          <button type="button" className="small" aria-label="Previous instance" disabled={sample === 0} onClick={() => choose(sample - 1)}>
            ◀
          </button>
          <label>
            Instance{' '}
            <input
              aria-label="Instance"
              value={text}
              size={4}
              onChange={(e) => setText(e.target.value)}
              onKeyDown={(e) => e.key === 'Enter' && choose(Number(text))}
              onBlur={() => Number(text) !== sample && choose(Number(text))}
            />
          </label>
          <button type="button" className="small" aria-label="Next instance" onClick={() => choose(sample + 1)}>
            ▶
          </button>
        </div>
        <div className="muted">
          <span data-testid="instance-caption">{inspection ? `label ${inspection.label} · predicted ${inspection.predicted}` : busy ? 'computing…' : 'pick one to preview the layers'}</span>
          {busy && inspection && <span> · updating…</span>}
        </div>
      </div>
    </div>
  );
}

/** What the edge colours mean: ‖dW‖ at the shown step, blue (smallest) to red (largest), log scale. */
function EdgeLegend() {
  const flow = useStore(inspectStore, (s) => s.flow);
  const scrub = useStore(inspectStore, (s) => s.scrub);
  if (!flow) return null;
  const k = shownStepIndex({ flow, scrub });
  const values = Object.values(normsAtShownStep({ flow, scrub })).filter((n) => n > 0);
  if (k === null || values.length === 0) return null;
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const stops = [0, 0.25, 0.5, 0.75, 1].map((t) => normColor(lo * (hi / lo) ** t, [lo, hi]));
  return (
    <div className="edge-legend" role="group" aria-label="Edge colour legend">
      <div>Edges: ‖dW‖ at step {flow.steps[k]}, log scale</div>
      <div className="edge-legend-scale">
        <span>{lo.toExponential(1)}</span>
        <span className="edge-legend-bar" style={{ background: `linear-gradient(to right, ${stops.join(', ')})` }} />
        <span>{hi.toExponential(1)}</span>
      </div>
    </div>
  );
}

/** The canvas corner: the chosen instance and the legend of the edge colours. */
export function CanvasInspectOverlay() {
  return (
    <Panel position="bottom-right" className="canvas-inspect">
      <InstancePicker />
      <EdgeLegend />
    </Panel>
  );
}
