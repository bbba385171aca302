import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { RunSummary } from '../../../core/api/contract';
import { api } from '../api/workbench-api';
import { useEditor } from '../editor/editor-store-context';
import { lectureStore } from './lecture-store';
import { decodeImage } from './upload-image';

/** Which instance (a training instance of the data, or an uploaded image) and whose weights (He initialisation, or a run's checkpoint). */
export function LectureControls() {
  const instance = useStore(lectureStore, (s) => s.instance);
  const runId = useStore(lectureStore, (s) => s.runId);
  const checkpointStep = useStore(lectureStore, (s) => s.checkpointStep);
  const loading = useStore(lectureStore, (s) => s.loading);
  const input = useEditor((s) => s.doc.nodes.find((n) => n.kind === 'input'));
  const [index, setIndex] = useState(instance.kind === 'sample' ? String(instance.index) : '0');
  const [label, setLabel] = useState('0');
  const [uploadError, setUploadError] = useState<string | null>(null);
  const [runs, setRuns] = useState<RunSummary[]>([]);
  const [checkpoints, setCheckpoints] = useState<number[]>([]);

  useEffect(() => {
    api.listRuns().then(setRuns, () => setRuns([]));
  }, []);
  useEffect(() => {
    if (runId === null) return setCheckpoints([]);
    api.getRun(runId).then(
      (run) => setCheckpoints(run.checkpointSteps),
      () => setCheckpoints([]),
    );
  }, [runId]);

  const upload = async (file: File | undefined) => {
    setUploadError(null);
    if (!file || !input) return;
    const p = input.params as { channels: number; height: number; width: number };
    try {
      lectureStore.getState().setInstance({ kind: 'image', ...(await decodeImage(file, p, Number(label) || 0)) });
    } catch (e) {
      setUploadError(`${file.name}: ${(e as Error).message}`);
    }
  };

  return (
    <div className="inline lecture-controls">
      <label>
        Training instance <input aria-label="Lecture instance" value={index} onChange={(e) => setIndex(e.target.value)} size={4} />
      </label>
      <button type="button" disabled={loading} onClick={() => lectureStore.getState().setInstance({ kind: 'sample', index: Math.max(0, Math.floor(Number(index)) || 0) })}>
        {loading ? 'Computing…' : 'Show'}
      </button>
      <label>
        or an image, label <input aria-label="Uploaded image label" value={label} onChange={(e) => setLabel(e.target.value)} size={2} />
      </label>
      <label className="file-button">
        Upload image…
        <input type="file" accept="image/*" aria-label="Upload image" onChange={(e) => void upload(e.target.files?.[0])} />
      </label>
      <label>
        Weights{' '}
        <select aria-label="Lecture weights" value={runId ?? ''} onChange={(e) => lectureStore.getState().setWeights(e.target.value === '' ? null : Number(e.target.value), null)}>
          <option value="">He initialisation (seed 1)</option>
          {runs.map((r) => (
            <option key={r.id} value={r.id}>
              run {r.id}: {r.name}
            </option>
          ))}
        </select>
      </label>
      {runId !== null && (
        <label>
          checkpoint{' '}
          <select aria-label="Lecture checkpoint" value={checkpointStep ?? ''} onChange={(e) => lectureStore.getState().setWeights(runId, e.target.value === '' ? null : Number(e.target.value))}>
            <option value="">latest</option>
            {checkpoints.map((s) => (
              <option key={s} value={s}>
                step {s}
              </option>
            ))}
          </select>
        </label>
      )}
      {uploadError && <span role="alert" className="error-text">{uploadError}</span>}
    </div>
  );
}
