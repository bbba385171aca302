import { NodeToolbar, Position } from '@xyflow/react';
import { memo, useCallback } from 'react';
import { useStore } from 'zustand';
import type { GraphFile, LayerActivationData, NodeKind } from '../../../core/api/contract';
import { useEditor } from '../editor/editor-store-context';
import { inspectStore, shownStepIndex } from './inspect-store';
import { NodeWarnings } from './NodeWarnings';
import { MatrixCanvas } from './MatrixCanvas';
import { Sparkline } from './Sparkline';

/** Channel maps a node previews, and the CSS size of each. */
const PREVIEW_MAPS = 3;
const MAP_PX = 30;

/** Beside a node in a chain that runs down (its neighbour above or below), below it in one that runs across. */
function sideOf(doc: GraphFile, nodeId: string): Position {
  const edge = doc.edges.find((e) => e.source === nodeId) ?? doc.edges.find((e) => e.target === nodeId);
  const at = (id: string | undefined) => doc.nodes.find((n) => n.id === id)?.position;
  const a = at(edge?.source);
  const b = at(edge?.target);
  if (!a || !b) return Position.Right;
  return Math.abs(b.x - a.x) > Math.abs(b.y - a.y) ? Position.Bottom : Position.Right;
}

function ChannelPreview({ layer, c }: { layer: LayerActivationData; c: number }) {
  const at = useCallback((r: number, col: number) => layer.values[c + layer.d * (r + layer.a * col)], [layer, c]);
  return <MatrixCanvas rows={layer.a} cols={layer.b} at={at} width={MAP_PX} height={MAP_PX} label={`${layer.name} channel ${c}`} grey />;
}

function VectorPreview({ layer }: { layer: LayerActivationData }) {
  const at = useCallback((_r: number, col: number) => layer.values[col], [layer]);
  return <MatrixCanvas rows={1} cols={layer.d} at={at} width={Math.min(PREVIEW_MAPS * (MAP_PX + 3), Math.max(40, layer.d * 8))} height={12} label={`${layer.name} output`} />;
}

/**
 * What a layer node shows of the training: the activation maps of the chosen instance (a few
 * channels, from the latest inspection), ‖dW‖ over the stored steps (log scale, the scrubbed
 * step marked) and the warnings as badges. Each node reads only its own slice of the inspection
 * store, so a refetch redraws the nodes whose data changed, and training events alone redraw none.
 * It is drawn beside the node (a React Flow node toolbar: on the side away from the chain's next
 * node, not scaled by the zoom), so the node keeps its size and the layout its spacing.
 */
function NodeTrainingViewInner({ nodeId, name, kind }: { nodeId: string; name: string; kind: NodeKind }) {
  const side = useEditor((s) => sideOf(s.doc, nodeId));
  const layer = useStore(inspectStore, (s) => s.inspection?.activations.find((a) => (kind === 'input' ? a.kind === 'input' : a.nodeId === nodeId)) ?? null);
  const sample = useStore(inspectStore, (s) => s.inspection?.sample ?? null);
  const norms = useStore(inspectStore, (s) => s.flow?.layers.find((l) => l.layerId === nodeId)?.norms.dW ?? null);
  const k = useStore(inspectStore, shownStepIndex);
  const step = useStore(inspectStore, (s) => {
    const i = shownStepIndex(s);
    return i !== null && s.flow ? s.flow.steps[i] : null;
  });
  const warnings = <NodeWarnings nodeId={nodeId} name={name} />;
  if (!layer && !norms) return <NodeToolbar isVisible position={side} align="start" offset={8} className="node-training-bar">{warnings}</NodeToolbar>;
  const shown = k !== null && norms ? norms[k] : null;
  const channels = layer ? Math.min(layer.d, PREVIEW_MAPS) : 0;
  return (
    <NodeToolbar isVisible position={side} align="start" offset={8} className="node-training-bar">
      <div className="node-training" aria-label={`Training view of ${name}`}>
        {layer && (
          <div className="node-preview" title={`output of ${name} for training instance ${sample}: ${layer.a * layer.b > 1 ? `channels 0–${channels - 1} of ${layer.d}` : `${layer.d} values`}`}>
            {layer.a * layer.b > 1 ? Array.from({ length: channels }, (_, c) => <ChannelPreview key={c} layer={layer} c={c} />) : <VectorPreview layer={layer} />}
            {layer.a * layer.b > 1 && layer.d > channels && <span className="node-preview-more">+{layer.d - channels}</span>}
          </div>
        )}
        {norms && (
          <div className="node-sparkline">
            <Sparkline values={norms} marked={k} width={96} height={16} label={`‖dW‖ of ${name} over ${norms.length} steps`} />
            <span data-testid={`node-norm-${nodeId}`} title={`‖dW‖ of ${name} at step ${step}`}>
              ‖dW‖ {shown !== null ? shown.toExponential(1) : '–'}
            </span>
          </div>
        )}
      </div>
      {warnings}
    </NodeToolbar>
  );
}

export const NodeTrainingView = memo(NodeTrainingViewInner);
