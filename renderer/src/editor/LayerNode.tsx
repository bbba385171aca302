import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo, type KeyboardEvent } from 'react';
import { useStore } from 'zustand';
import { explainedNode, lectureStore } from '../lecture/lecture-store';
import { formatShape } from '../../../core/graph/shape';
import { NodeInspectBadges } from '../inspect/NodeInspectBadges';
import { NodeTrainingView } from '../inspect/NodeTrainingView';
import { editorStore, useEditor } from './editor-store-context';
import { formatCompact, formatCount, KIND_LABEL, paramSummary } from './labels';

/** Keyboard connecting: Enter on an output handle starts a connection, Enter on an input handle ends it. */
function onHandleKey(event: KeyboardEvent, nodeId: string, side: 'source' | 'target') {
  if (event.key !== 'Enter' && event.key !== ' ') return;
  event.preventDefault();
  event.stopPropagation();
  const { connectFrom, setConnectFrom, connect } = editorStore.getState();
  if (side === 'source') setConnectFrom(connectFrom === nodeId ? null : nodeId);
  else if (connectFrom) connect(connectFrom, nodeId);
}

function LayerNodeView({ id, selected, sourcePosition = Position.Bottom, targetPosition = Position.Top }: NodeProps) {
  const node = useEditor((s) => s.doc.nodes.find((n) => n.id === id));
  const summary = useEditor((s) => s.compiled.nodes[id]);
  const errors = useEditor((s) => s.compiled.errors).filter((e) => e.nodeId === id);
  const connectFrom = useEditor((s) => s.connectFrom);
  const explained = useStore(lectureStore, (s) => explainedNode(s) === id);
  if (!node) return null;
  const kind = KIND_LABEL[node.kind] ?? node.kind;
  const invalid = errors.length > 0;
  return (
    <div className={`layer-node kind-${node.kind}${selected ? ' selected' : ''}${invalid ? ' invalid' : ''}${explained ? ' explained' : ''}`} data-node-id={id} data-explained={explained || undefined}>
      {node.kind !== 'input' && (
        <Handle
          type="target"
          position={targetPosition}
          role="button"
          tabIndex={0}
          aria-label={`${node.name} input`}
          onKeyDown={(e) => onHandleKey(e, id, 'target')}
        />
      )}
      <div className="layer-node-title">
        <span className="layer-node-name">{node.name}</span>
        <span className="layer-node-kind">{kind}</span>
      </div>
      <div className="layer-node-params">{paramSummary(node)}</div>
      <div className="layer-node-stats" aria-label={`${node.name} statistics`}>
        <span title="output shape">{summary?.outShape ? formatShape(summary.outShape) : '?'}</span>
        <span title="parameters">{formatCount(summary?.paramCount ?? 0)} params</span>
        <span title="multiply-adds per instance">{formatCompact(summary?.macs ?? 0)} MACs</span>
      </div>
      {!invalid && <NodeTrainingView nodeId={id} name={node.name} kind={node.kind} />}
      {!invalid && <NodeInspectBadges nodeId={id} name={node.name} kind={node.kind} />}
      {invalid && (
        <ul className="layer-node-errors" role="alert" aria-label={`Errors on ${node.name}`}>
          {errors.map((e, i) => (
            <li key={i}>{e.message}</li>
          ))}
        </ul>
      )}
      {node.kind !== 'output' && (
        <Handle
          type="source"
          position={sourcePosition}
          role="button"
          tabIndex={0}
          aria-label={`${node.name} output`}
          aria-pressed={connectFrom === id}
          onKeyDown={(e) => onHandleKey(e, id, 'source')}
        />
      )}
    </div>
  );
}

export const LayerNode = memo(LayerNodeView);
