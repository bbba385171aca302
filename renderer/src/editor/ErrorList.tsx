import { useReactFlow } from '@xyflow/react';
import { editorStore, useEditor } from './editor-store-context';

/** The compiler's errors; clicking one selects the node it names and brings it into view. */
export function ErrorList() {
  const errors = useEditor((s) => s.compiled.errors);
  const empty = useEditor((s) => s.doc.nodes.length === 0);
  const flow = useReactFlow();
  const show = (nodeId: string) => {
    editorStore.getState().select([nodeId]);
    void flow.fitView({ nodes: [{ id: nodeId }], duration: 200, maxZoom: 1.2 });
  };
  return (
    <section className="error-list" aria-label="Problems">
      <h2>Problems {errors.length > 0 && <span className="count">{errors.length}</span>}</h2>
      {errors.length === 0 ? (
        <p className="muted">{empty ? 'Drag layers from the palette to start.' : 'None: the network compiles.'}</p>
      ) : (
        <ul>
          {errors.map((e, i) => (
            <li key={i}>
              {e.nodeId ? (
                <button type="button" className="error-item" onClick={() => show(e.nodeId!)}>
                  {e.message}
                </button>
              ) : (
                <span className="error-item">{e.message}</span>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
