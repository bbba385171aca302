import { useEffect, useRef, useState } from 'react';
import type { ImportedWeightsInfo, ModelExportFormat, ModelWeightsSource, RunSummary } from '../../../core/api/contract';
import { api } from '../api/workbench-api';
import { useEditor } from './editor-store-context';
import { exportModelTo, importModelFrom, type ModelDialogRequest } from './model-actions';
import { DialogFrame } from './DialogFrame';
import { ResolvedPath } from './ResolvedPath';

const FORMAT_LABEL: Record<ModelExportFormat, string> = { onnx: 'ONNX', pytorch: 'PyTorch' };

function encodeSource(source: ModelWeightsSource): string {
  return source.kind === 'run' ? `run:${source.runId}` : source.kind;
}

function decodeSource(value: string): ModelWeightsSource {
  if (value.startsWith('run:')) return { kind: 'run', runId: Number(value.slice(4)) };
  return value === 'imported' ? { kind: 'imported' } : { kind: 'none' };
}

/**
 * File > Export (ONNX / PyTorch) and, in the browser, File > Import ONNX: which weights go with the
 * open graph, and the host path to write or read. With native dialogs (Electron) the path is asked
 * for by the shell instead.
 */
export function ModelDialog({ request, nativeDialogs, workingFolder, onClose }: { request: ModelDialogRequest; nativeDialogs: boolean; workingFolder?: string; onClose: () => void }) {
  const graphName = useEditor((s) => s.doc.name);
  const [format, setFormat] = useState<ModelExportFormat>(request.mode === 'export' ? request.format : 'onnx');
  const [runs, setRuns] = useState<RunSummary[]>([]);
  const [imported, setImported] = useState<ImportedWeightsInfo | null>(null);
  const [weights, setWeights] = useState('none');
  const safeName = graphName.replace(/[^\w.-]+/g, '-') || 'model';
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    input.current?.focus();
    if (request.mode !== 'export') return;
    void Promise.all([api.listRuns().catch(() => []), api.importedWeights().catch(() => null)]).then(([list, info]) => {
      setRuns(list);
      setImported(info);
      const first = list.find((r) => !r.live) ?? null;
      setWeights(first ? `run:${first.id}` : info ? 'imported' : 'none');
    });
  }, [request.mode]);

  useEffect(() => {
    if (request.mode === 'export') setPath(format === 'onnx' ? `${safeName}.onnx` : `${safeName}-pytorch`);
  }, [request.mode, format, safeName]);

  const submit = async () => {
    if (!nativeDialogs && path.trim() === '') return;
    setBusy(true);
    const target = nativeDialogs ? null : path.trim();
    const done = request.mode === 'export' ? await exportModelTo({ format, weights: decodeSource(weights), path: target }) : await importModelFrom(target);
    setBusy(false);
    if (done) onClose();
  };

  const title = request.mode === 'export' ? `Export ${FORMAT_LABEL[format]}` : 'Import ONNX';
  const onnxWithoutWeights = request.mode === 'export' && format === 'onnx' && weights === 'none';
  return (
    <DialogFrame title={title} onClose={onClose} onSubmit={() => void submit()}>
      {request.mode === 'export' && (
        <>
          <label htmlFor="model-dialog-format">Format</label>
          <select id="model-dialog-format" value={format} onChange={(e) => setFormat(e.target.value as ModelExportFormat)}>
            <option value="onnx">ONNX (.onnx file: graph, weights, preprocessing)</option>
            <option value="pytorch">PyTorch (folder: train.py, weights.json/.bin)</option>
          </select>
          <label htmlFor="model-dialog-weights">Weights</label>
          <select id="model-dialog-weights" value={weights} onChange={(e) => setWeights(e.target.value)}>
            {runs.map((r) => (
              <option key={r.id} value={encodeSource({ kind: 'run', runId: r.id })} disabled={r.live}>
                Run "{r.name}" (#{r.id}, {r.status}{r.lastStep !== null ? `, step ${r.lastStep}` : ''}) — latest checkpoint
              </option>
            ))}
            {imported && <option value="imported">Imported weights ({imported.fileName})</option>}
            <option value="none">None: the graph alone (PyTorch only)</option>
          </select>
          {onnxWithoutWeights && <p className="muted">ONNX needs weights: choose a run or the imported weights.</p>}
        </>
      )}
      {!nativeDialogs && (
        <>
          <label htmlFor="model-dialog-path">{request.mode === 'import' ? 'ONNX file on the host' : format === 'onnx' ? 'File on the host' : 'Folder on the host'}</label>
          <input id="model-dialog-path" ref={input} value={path} onChange={(e) => setPath(e.target.value)} spellCheck={false} />
          <ResolvedPath path={path} workingFolder={workingFolder} verb={request.mode === 'import' ? 'Reads' : 'Writes'} />
        </>
      )}
      <div className="dialog-buttons">
        <button type="submit" disabled={busy || onnxWithoutWeights}>
          {request.mode === 'export' ? (nativeDialogs ? 'Export…' : 'Export') : nativeDialogs ? 'Import…' : 'Import'}
        </button>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </DialogFrame>
  );
}
