import { useStore } from 'zustand';
import { inspectStore, shownStepIndex } from './inspect-store';

/** Dead ReLUs are flagged at this fraction of a layer's units until a gradient flow (with its thresholds) is loaded. */
const DEAD_RELU_WARNING = 0.5;

/** A layer's warnings at the shown step as badges: vanishing / exploding ‖dW‖ (gradient flow), dead ReLUs (inspection); the full message on hover. */
export function NodeWarnings({ nodeId, name }: { nodeId: string; name: string }) {
  const flowWarnings = useStore(inspectStore, (s) => {
    const k = shownStepIndex(s);
    return k !== null && s.flow ? s.flow.warnings[k] : null;
  });
  const threshold = useStore(inspectStore, (s) => s.flow?.thresholds.deadReluFraction ?? DEAD_RELU_WARNING);
  const dead = useStore(inspectStore, (s) => s.inspection?.deadUnits.find((d) => d.nodeId === nodeId));
  const warnings: { badge: string; message: string }[] = (flowWarnings ?? []).filter((w) => w.layerId === nodeId).map((w) => ({ badge: w.kind, message: w.message }));
  if (dead && dead.fraction >= threshold)
    warnings.push({
      badge: `dead ReLUs ${Math.round(dead.fraction * 100)}%`,
      message: `dead ReLUs: ${dead.dead} of ${dead.units} units output 0 on all ${dead.batchSize} instances (warning at ≥ ${Math.round(threshold * 100)}%)`,
    });
  if (warnings.length === 0) return null;
  return (
    <ul className="node-warnings" role="alert" aria-label={`Warnings on ${name}`}>
      {warnings.map((w, i) => (
        <li key={i} className="node-badge" title={w.message} aria-label={w.message}>
          ⚠ {w.badge}
        </li>
      ))}
    </ul>
  );
}
