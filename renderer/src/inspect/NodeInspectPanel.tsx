import { useStore } from 'zustand';
import { useEditor } from '../editor/editor-store-context';
import { lectureStore } from '../lecture/lecture-store';
import { GRADIENT_CHECK_PASS, inspectStore } from './inspect-store';

/** The selected layer's gradient check in full: every probe, analytic against numeric. */
export function NodeInspectPanel() {
  const selected = useEditor((s) => (s.selectedNodes.length === 1 ? s.selectedNodes[0] : null));
  const node = useEditor((s) => s.doc.nodes.find((n) => n.id === selected));
  const check = useStore(inspectStore, (s) => (selected ? s.checks[selected] : undefined));
  const weightsRunId = useStore(inspectStore, (s) => s.weightsRunId);
  if (!node || (node.kind !== 'conv' && node.kind !== 'fc')) return null;
  return (
    <section className="node-inspect-panel" aria-label={`Inspection of ${node.name}`}>
      <h2>GRADIENT CHECK</h2>
      <p className="muted">
        Central differences (f(θ+εu) − f(θ−εu))/2ε against the backward pass, float64, on 4 training instances (a probe marked * was retried with ε/10 or ε/100 because a step crossed a ReLU or max-pool kink), with{' '}
        {weightsRunId !== null ? `the latest checkpoint of run ${weightsRunId}` : 'the He initialisation (seed 1)'}. Passes below {GRADIENT_CHECK_PASS}.
      </p>
      <div className="inline">
        <button type="button" disabled={check?.state === 'running'} onClick={() => void inspectStore.getState().gradientCheck(node.id)}>
          {check?.state === 'running' ? 'Checking…' : `Check ∂f/∂W and ∂f/∂b of ${node.name}`}
        </button>
        {node.kind === 'conv' && (
          <button type="button" onClick={() => inspectStore.getState().openVectorForm(node.id)}>
            Vector form
          </button>
        )}
        <button type="button" onClick={() => lectureStore.getState().explain(node.id)}>
          Explain in Lecture mode
        </button>
      </div>
      {check?.state === 'error' && <p className="error-text">{check.error}</p>}
      {check?.state === 'done' && (
        <>
          <p>
            largest relative error <strong className={check.result.relativeError < GRADIENT_CHECK_PASS ? 'ok-text' : 'error-text'}>{check.result.relativeError.toExponential(2)}</strong>{' '}
            <span className="muted">
              (ε = {check.result.epsilon}, {Math.round(check.result.ms)} ms; {check.result.weights})
            </span>
          </p>
          <table className="probes" aria-label={`Gradient probes of ${node.name}`}>
            <thead>
              <tr>
                <th>probe</th>
                <th title="gᵀu from the backward pass">backward</th>
                <th title="(f(θ+εu) − f(θ−εu)) / 2ε">numeric</th>
                <th>rel. err.</th>
              </tr>
            </thead>
            <tbody>
              {check.result.tensors.flatMap((t) =>
                t.probes.map((p, i) => (
                  <tr key={`${t.name}-${i}`}>
                    <td title={`${t.name} is ${t.rows}×${t.cols}; ${p.kind === 'coordinate' ? `entry ${p.index} (column-major)` : 'a random Gaussian direction over the whole tensor'}`}>
                      {t.name} {p.kind === 'coordinate' ? `e${p.index}` : 'u'}
                    </td>
                    <td className="num">{p.analytic.toPrecision(5)}</td>
                    <td className="num">{p.numeric.toPrecision(5)}</td>
                    <td className="num" title={`step ε = ${p.epsilon}${p.epsilon < check.result.epsilon ? ' (retried with a smaller step: the first crossed a ReLU / max-pool kink)' : ''}`}>
                      {p.relativeError.toExponential(1)}
                      {p.epsilon < check.result.epsilon ? '*' : ''}
                    </td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
