import { BaseEdge, EdgeLabelRenderer, getBezierPath, Position, type EdgeProps } from '@xyflow/react';
import { memo } from 'react';
import { formatShape } from '../../../core/graph/shape';
import { useStore } from 'zustand';
import { edgeNorm, normColor } from '../inspect/gradient-colors';
import { inspectStore, normsAtShownStep } from '../inspect/inspect-store';
import { useEditor } from './editor-store-context';

/** An edge labelled with the tensor shape it carries ("32x14x14", or "10" for a vector). */
function ShapeEdgeView({ id, source, target, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, markerEnd, selected }: EdgeProps) {
  const shape = useEditor((s) => s.compiled.edgeShapes[id]);
  const edges = useEditor((s) => s.doc.edges);
  const flow = useStore(inspectStore, (s) => s.flow);
  const scrub = useStore(inspectStore, (s) => s.scrub);
  const norms = flow ? normsAtShownStep({ flow, scrub }) : {};
  const norm = flow ? edgeNorm(edges, norms, source, target) : null;
  const color = norm !== null ? normColor(norm, Object.values(norms)) : null;
  // Across the canvas the gap between nodes is narrow and wide open below: the norm goes under the shape, not beside it.
  const across = sourcePosition === Position.Right;
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  return (
    <>
      <BaseEdge
        id={id}
        path={path}
        markerEnd={markerEnd}
        className={selected ? 'selected' : undefined}
        style={color ? { stroke: color, strokeWidth: 3 } : undefined}
        data-grad-norm={norm ?? undefined}
      />
      <EdgeLabelRenderer>
        <div
          className={`edge-shape nodrag nopan${shape ? '' : ' unknown'}`}
          data-testid={`edge-shape-${id}`}
          style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
        >
          {shape ? formatShape(shape) : '?'}
        </div>
        {norm !== null && (
          <div
            className="edge-norm nodrag nopan"
            data-testid={`edge-norm-${id}`}
            style={{ color: color ?? undefined, transform: across ? `translate(-50%, 0) translate(${labelX}px, ${labelY + 11}px)` : `translate(0, -50%) translate(${labelX + 34}px, ${labelY}px)` }}
            title="||dW|| of the layer this edge leaves (or the nearest one above it) at the scrubbed step"
          >
            ‖dW‖ {norm.toExponential(1)}
          </div>
        )}
      </EdgeLabelRenderer>
    </>
  );
}

export const ShapeEdge = memo(ShapeEdgeView);
