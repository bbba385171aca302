import { useStore } from 'zustand';
import type { NodeKind } from '../../../core/api/contract';
import { GRADIENT_CHECK_PASS, inspectStore, shownStepIndex } from './inspect-store';

/** Dead ReLUs are flagged at this fraction of a layer's units before a gradient flow (with its thresholds) is loaded. */
const DEAD_RELU_WARNING = 0.5;

/** On a node: its gradient check (button and relative error), and warnings at the scrubbed step as badges (the full message on hover). */
export function NodeInspectBadges({ nodeId, name, kind }: { nodeId: string; name: string; kind: NodeKind }) {
  const check = useStore(inspectStore, (s) => s.checks[nodeId]);
  const flow = useStore(inspectStore, (s) => s.flow);
  const scrub = useStore(inspectStore, (s) => s.scrub);
  const dead = useStore(inspectStore, (s) => s.inspection?.deadUnits.find((d) => d.nodeId === nodeId));
  const k = shownStepIndex({ flow, scrub });
  const warnings: { badge: string; message: string }[] = k !== null && flow ? flow.warnings[k].filter((w) => w.layerId === nodeId).map((w) => ({ badge: w.kind, message: w.message })) : [];
  const deadThreshold = flow?.thresholds.deadReluFraction ?? DEAD_RELU_WARNING;
  if (dead && dead.fraction >= deadThreshold)
    warnings.push({
      badge: `dead ReLUs ${Math.round(dead.fraction * 100)}%`,
      message: `dead ReLUs: ${dead.dead} of ${dead.units} units output 0 on all ${dead.batchSize} instances (warning at ≥ ${Math.round(deadThreshold * 100)}%)`,
    });
  const hasParams = kind === 'conv' || kind === 'fc';
  if (!hasParams && warnings.length === 0) return null;
  const stop = (e: React.SyntheticEvent) => e.stopPropagation();
  return (
    <div className="node-inspect nodrag" onPointerDown={stop} onDoubleClick={stop}>
      {hasParams && (
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
      )}
      {warnings.length > 0 && (
        <ul className="node-warnings" role="alert" aria-label={`Warnings on ${name}`}>
          {warnings.map((w, i) => (
            <li key={i} className="node-badge" title={w.message} aria-label={w.message}>
              ⚠ {w.badge}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
