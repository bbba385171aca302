import { useReactFlow } from '@xyflow/react';
import { useEffect, useState } from 'react';
import type { TemplateSummary } from '../../../core/api/contract';
import { formatBytes } from '../../../core/graph/memory';
import { api } from '../api/workbench-api';
import { runCommand } from './commands';
import { useEditor } from './editor-store-context';
import { startFromTemplate } from './file-actions';
import { formatCompact, formatCount } from './labels';

/** File name, file and edit buttons, templates, the totals and whether the network can be trained. */
export function Toolbar() {
  const flow = useReactFlow();
  const [templates, setTemplates] = useState<TemplateSummary[]>([]);
  const filePath = useEditor((s) => s.filePath);
  const dirty = useEditor((s) => s.dirty);
  const name = useEditor((s) => s.doc.name);
  const canUndo = useEditor((s) => s.canUndo);
  const canRedo = useEditor((s) => s.canRedo);
  const totals = useEditor((s) => s.compiled.totals);
  const memory = useEditor((s) => s.compiled.memory);
  const ok = useEditor((s) => s.compiled.ok);
  const errors = useEditor((s) => s.compiled.errors);
  const selectionSize = useEditor((s) => s.selectedNodes.length + s.selectedEdges.length);
  const showMiniMap = useEditor((s) => s.showMiniMap);
  useEffect(() => {
    api.listTemplates().then(setTemplates, () => setTemplates([]));
  }, []);
  const run = (c: Parameters<typeof runCommand>[0]) => runCommand(c, flow);
  const title = filePath ? filePath.split(/[\\/]/).pop() : name;
  const trainability = `Cannot train: ${errors[0]?.message ?? 'the graph is incomplete'}${errors.length > 1 ? ` (+${errors.length - 1} more)` : ''}`;
  useEffect(() => {
    document.title = `${title}${dirty ? ' •' : ''} — CNN Workbench`;
  }, [title, dirty]);

  return (
    <header className="toolbar">
      <div className="toolbar-title">
        <strong>CNN Workbench</strong>
        <span className="file-name" aria-label="Document" title={filePath ?? name}>
          {title}
          {dirty ? ' •' : ''}
        </span>
      </div>
      <div className="toolbar-buttons" role="toolbar" aria-label="Editor">
        <button type="button" onClick={() => run('new')}>
          New
        </button>
        <select
          aria-label="Start from a template"
          value=""
          onChange={(e) => {
            if (e.target.value) void startFromTemplate(e.target.value);
          }}
        >
          <option value="">Template…</option>
          {templates.map((t) => (
            <option key={t.id} value={t.id} title={t.description}>
              {t.name}
            </option>
          ))}
        </select>
        <button type="button" onClick={() => run('open')}>
          Open…
        </button>
        <button type="button" onClick={() => run('save')}>
          Save
        </button>
        <button type="button" onClick={() => run('saveAs')}>
          Save as…
        </button>
        <select
          aria-label="Export or import a model"
          value=""
          onChange={(e) => {
            const command = e.target.value as 'exportOnnx' | 'exportPytorch' | 'importOnnx' | '';
            if (command) run(command);
          }}
        >
          <option value="">Export / Import…</option>
          <option value="exportOnnx">Export ONNX…</option>
          <option value="exportPytorch">Export PyTorch…</option>
          <option value="importOnnx">Import ONNX…</option>
        </select>
        <span className="separator" />
        <button type="button" onClick={() => run('undo')} disabled={!canUndo}>
          Undo
        </button>
        <button type="button" onClick={() => run('redo')} disabled={!canRedo}>
          Redo
        </button>
        <button type="button" onClick={() => run('copy')} disabled={selectionSize === 0}>
          Copy
        </button>
        <button type="button" onClick={() => run('paste')}>
          Paste
        </button>
        <button type="button" onClick={() => run('delete')} disabled={selectionSize === 0}>
          Delete
        </button>
        <span className="separator" />
        <button type="button" onClick={() => run('autoLayout')}>
          Auto-layout
        </button>
        <button type="button" onClick={() => run('fitView')}>
          Fit view
        </button>
        <button type="button" aria-pressed={showMiniMap} onClick={() => run('toggleMiniMap')}>
          Mini-map
        </button>
      </div>
      <div className="toolbar-totals" aria-label="Totals">
        <span>
          <span className="muted">Parameters</span> <strong data-testid="total-params">{formatCount(totals.paramCount)}</strong>
        </span>
        <span>
          <span className="muted">MACs</span> <strong data-testid="total-macs">{formatCompact(totals.macs)}</strong>
        </span>
        {memory && (
          <span title={`Memory training takes at batch ${memory.batch} (SGD, float32): weights, activations, patch matrices, gradients and optimiser state`}>
            <span className="muted">Memory</span> <strong data-testid="total-memory">{formatBytes(memory.bytes)}</strong>
          </span>
        )}
        <span role="status" aria-label="Trainability" className={ok ? 'trainable' : 'untrainable'} title={ok ? undefined : trainability}>
          {ok ? 'Ready to train' : trainability}
        </span>
      </div>
    </header>
  );
}
