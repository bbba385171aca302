import { useStore } from 'zustand';
import type { NodeKind } from '../../../core/api/contract';
import { GRADIENT_CHECK_PASS, inspectStore } from './inspect-store';

/** On a conv/fc node: its gradient check (button and relative error) and the vector-form button. */
export function NodeInspectBadges({ nodeId, name, kind }: { nodeId: string; name: string; kind: NodeKind }) {
  const check = useStore(inspectStore, (s) => s.checks[nodeId]);
  const hasParams = kind === 'conv' || kind === 'fc';
  if (!hasParams) return null;
  const stop = (e: React.SyntheticEvent) => e.stopPropagation();
  return (
    <div className="node-inspect nodrag" onPointerDown={stop} onDoubleClick={stop}>
      <div className="node-inspect-row">
        <button type="button" className="small" aria-label={`Gradient check ${name}`} disabled={check?.state === 'running'} onClick={() => void inspectStore.getState().gradientCheck(nodeId)}>
          ∇ check
        </button>
        {kind === 'conv' && (
          <button type="button" className="small" aria-label={`Vector form of ${name}`} onClick={() => inspectStore.getState().openVectorForm(nodeId)}>
            vector form
          </button>
        )}
        {check?.state === 'running' && <span className="muted">checking…</span>}
        {check?.state === 'done' && (
          <span
            role="status"
            aria-label={`Gradient check result ${name}`}
            className={check.result.relativeError < GRADIENT_CHECK_PASS ? 'ok-text' : 'error-text'}
            title={`max relative error over ${check.result.tensors.map((t) => `${t.probes.length} probes of ${t.name}`).join(' and ')}; batch ${check.result.batchSize}, eps ${check.result.epsilon}; ${check.result.weights}; pass below ${GRADIENT_CHECK_PASS}`}
          >
            rel. error {check.result.relativeError.toExponential(2)}
          </span>
        )}
        {check?.state === 'error' && (
          <span role="alert" className="error-text" title={check.error}>
            check failed
          </span>
        )}
      </div>
    </div>
  );
}
