import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps } from '@xyflow/react';
import { memo } from 'react';
import { formatShape } from '../../../core/graph/shape';
import { useEditor } from './editor-store-context';

/** An edge labelled with the tensor shape it carries ("32x14x14", or "10" for a vector). */
function ShapeEdgeView({ id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, markerEnd, selected }: EdgeProps) {
  const shape = useEditor((s) => s.compiled.edgeShapes[id]);
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} className={selected ? 'selected' : undefined} />
      <EdgeLabelRenderer>
        <div
          className={`edge-shape nodrag nopan${shape ? '' : ' unknown'}`}
          data-testid={`edge-shape-${id}`}
          style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
        >
          {shape ? formatShape(shape) : '?'}
        </div>
      </EdgeLabelRenderer>
    </>
  );
}

export const ShapeEdge = memo(ShapeEdgeView);
