import type { GraphNode, NodeKind } from '../../../core/api/contract';
import { ACTIVATION_KINDS } from '../../../core/graph/format';
import { formatShape } from '../../../core/graph/shape';
import { editorStore, useEditor } from './editor-store-context';
import { formatCompact, formatCount, KIND_LABEL } from './labels';
import { ParamField, type FieldSpec } from './ParamField';

const LEAK: FieldSpec = { key: 'leak', label: 'Leak', type: 'number', min: 0, below: 1, hint: 'slope for x < 0 (leaky_relu)' };

const FIELDS: Record<NodeKind, FieldSpec[]> = {
  input: [
    { key: 'channels', label: 'Channels', type: 'int', min: 1, hint: 'd' },
    { key: 'height', label: 'Height', type: 'int', min: 1, hint: 'a' },
    { key: 'width', label: 'Width', type: 'int', min: 1, hint: 'b' },
  ],
  conv: [
    { key: 'filters', label: 'Filters', type: 'int', min: 1, hint: 'output channels d^{m+1}' },
    { key: 'size', label: 'Filter size', type: 'int', min: 1, hint: 'h (the filter is h x h)' },
    { key: 'stride', label: 'Stride', type: 'int', min: 1, hint: 's' },
    { key: 'padding', label: 'Padding', type: 'int', min: 0, hint: 'p zeros on every side' },
    { key: 'activation', label: 'Activation', type: 'choice', choices: ACTIVATION_KINDS },
  ],
  pool: [
    { key: 'mode', label: 'Mode', type: 'choice', choices: ['max', 'avg'] },
    { key: 'size', label: 'Pool size', type: 'int', min: 1, hint: 'q (the window is q x q)' },
    { key: 'stride', label: 'Stride', type: 'int', min: 1 },
  ],
  activation: [{ key: 'fn', label: 'Function', type: 'choice', choices: ACTIVATION_KINDS }],
  fc: [
    { key: 'units', label: 'Units', type: 'int', min: 1 },
    { key: 'activation', label: 'Activation', type: 'choice', choices: ACTIVATION_KINDS },
  ],
  output: [
    { key: 'loss', label: 'Loss', type: 'choice', choices: ['squared', 'softmax_ce'] },
    { key: 'classes', label: 'Classes', type: 'int', min: 2 },
    { key: 'C', label: 'Regularisation C', type: 'optionalNumber', min: 0, hint: 'f = 1/(2C) θᵀθ + mean loss; empty: none' },
  ],
};

function fieldsOf(node: GraphNode): FieldSpec[] {
  const params = node.params as unknown as Record<string, unknown>;
  const usesLeak = params.activation === 'leaky_relu' || params.fn === 'leaky_relu';
  return usesLeak ? [...FIELDS[node.kind], LEAK] : FIELDS[node.kind];
}

function NameField({ node }: { node: GraphNode }) {
  const nodes = useEditor((s) => s.doc.nodes);
  const names = nodes.filter((n) => n.id !== node.id).map((n) => n.name);
  return (
    <div className="param-field">
      <label htmlFor={`name-${node.id}`}>Name</label>
      <input
        id={`name-${node.id}`}
        key={node.name}
        defaultValue={node.name}
        onKeyDown={(e) => {
          if (e.key === 'Enter') e.currentTarget.blur();
        }}
        onBlur={(e) => {
          const name = e.target.value.trim();
          if (name === node.name) return;
          if (name === '' || names.includes(name)) {
            e.target.value = node.name;
            editorStore.getState().notify({ kind: 'error', text: name === '' ? 'A node needs a name.' : `Another node is already called "${name}".` });
          } else editorStore.getState().rename(node.id, name);
        }}
      />
    </div>
  );
}

/** The selected node's parameters, its shapes and counts, and the compiler's errors about it. */
export function ParamPanel() {
  const selected = useEditor((s) => (s.selectedNodes.length === 1 ? s.selectedNodes[0] : null));
  const node = useEditor((s) => s.doc.nodes.find((n) => n.id === selected));
  const summary = useEditor((s) => (selected ? s.compiled.nodes[selected] : undefined));
  const errors = useEditor((s) => s.compiled.errors).filter((e) => selected && e.nodeId === selected);
  if (!node) {
    return (
      <section className="param-panel" aria-label="Parameters">
        <h2>Parameters</h2>
        <p className="muted">Select one node to edit its parameters.</p>
      </section>
    );
  }
  const params = node.params as unknown as Record<string, unknown>;
  const { setParam, mark } = editorStore.getState();
  return (
    <section className="param-panel" aria-label={`Parameters of ${node.name}`}>
      <h2>
        {node.name} <span className="muted">{KIND_LABEL[node.kind]}</span>
      </h2>
      <NameField node={node} />
      {fieldsOf(node).map((spec) => (
        <ParamField
          key={`${node.id}:${spec.key}`}
          spec={spec}
          value={params[spec.key] ?? (spec.key === 'leak' ? 0.01 : null)}
          onValue={(v) => setParam(node.id, spec.key, v, { mark: false })}
          onCommit={mark}
        />
      ))}
      <dl className="param-facts">
        <dt>In</dt>
        <dd>{summary?.inShape ? formatShape(summary.inShape) : '—'}</dd>
        <dt>Out</dt>
        <dd>{summary?.outShape ? formatShape(summary.outShape) : '—'}</dd>
        <dt>Parameters</dt>
        <dd>{formatCount(summary?.paramCount ?? 0)}</dd>
        <dt>Multiply-adds</dt>
        <dd>{formatCompact(summary?.macs ?? 0)}</dd>
      </dl>
      {errors.length > 0 && (
        <ul className="param-errors">
          {errors.map((e, i) => (
            <li key={i}>{e.message}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
