import type { DragEvent } from 'react';
import type { NodeKind } from '../../../core/api/contract';
import { NODE_KINDS } from '../../../core/graph/format';
import { editorStore } from './editor-store-context';
import { KIND_LABEL } from './labels';

export const PALETTE_MIME = 'application/x-cnnwb-node-kind';

const HINT: Record<NodeKind, string> = {
  input: 'd x a x b image',
  conv: 'W phi(pad(Z)) + b',
  pool: 'max or average',
  activation: 'sigma(S)',
  fc: 'W z + b',
  output: 'loss over classes',
};

/** Node kinds to drag onto the canvas; Enter or a click adds one after the selected node. */
export function Palette() {
  const onDragStart = (event: DragEvent, kind: NodeKind) => {
    event.dataTransfer.setData(PALETTE_MIME, kind);
    event.dataTransfer.effectAllowed = 'copy';
  };
  return (
    <nav className="palette" aria-label="Node palette">
      <h2>Layers</h2>
      <ul>
        {NODE_KINDS.map((kind) => (
          <li key={kind}>
            <button
              type="button"
              draggable
              className={`palette-item kind-${kind}`}
              aria-label={`Add ${KIND_LABEL[kind]}`}
              title={`Drag onto the canvas, or press Enter to add after the selected node`}
              onDragStart={(e) => onDragStart(e, kind)}
              onClick={() => editorStore.getState().addNode(kind)}
            >
              <span className="palette-item-name">{KIND_LABEL[kind]}</span>
              <span className="palette-item-hint">{HINT[kind]}</span>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
