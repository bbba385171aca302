import { useEffect, useRef, useState } from 'react';
import { api } from '../api/workbench-api';
import { DialogFrame } from './DialogFrame';
import { ResolvedPath } from './ResolvedPath';
import { downloadGraph, openGraph, openUploaded, saveGraphTo, type FileDialogRequest } from './file-actions';

/**
 * The browser host's open/save dialog: a path on the host machine (where the host runs, which may
 * be a remote box behind an SSH tunnel), or an upload/download through the browser.
 */
export function FileDialog({ request, workingFolder, onClose }: { request: FileDialogRequest; workingFolder?: string; onClose: () => void }) {
  const [path, setPath] = useState(request.mode === 'save' ? request.suggestedPath : '');
  const [recent, setRecent] = useState<string[]>([]);
  const upload = useRef<HTMLInputElement>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    input.current?.focus();
    void api.recentFiles().then(setRecent);
  }, []);

  const submit = async () => {
    if (path.trim() === '') return;
    if (request.mode === 'open') {
      await openGraph(path.trim());
      onClose();
    } else if (await saveGraphTo(path.trim())) onClose();
  };
  const title = request.mode === 'open' ? 'Open graph file' : 'Save graph file';
  return (
    <DialogFrame
      title={title}
      onClose={onClose}
      onSubmit={() => void submit()}
      after={
        request.mode === 'open' &&
        recent.length > 0 && (
          <nav aria-label="Recent files">
            <h3>Recent</h3>
            <ul>
              {recent.map((p) => (
                <li key={p}>
                  <button type="button" onClick={() => void openGraph(p).then(onClose)}>
                    {p}
                  </button>
                </li>
              ))}
            </ul>
          </nav>
        )
      }
    >
      <label htmlFor="file-dialog-path">Path on the host</label>
      <input id="file-dialog-path" ref={input} value={path} onChange={(e) => setPath(e.target.value)} spellCheck={false} />
      <ResolvedPath path={path} workingFolder={workingFolder} verb={request.mode === 'open' ? 'Reads' : 'Writes'} />
      <div className="dialog-buttons">
        <button type="submit">{request.mode === 'open' ? 'Open' : 'Save'}</button>
        {request.mode === 'open' ? (
          <>
            <button type="button" onClick={() => upload.current?.click()}>
              Upload…
            </button>
            <input
              ref={upload}
              type="file"
              accept=".json,application/json"
              hidden
              aria-label="Upload a graph file"
              onChange={async (e) => {
                const file = e.target.files?.[0];
                if (file) {
                  await openUploaded(file);
                  onClose();
                }
              }}
            />
          </>
        ) : (
          <button
            type="button"
            onClick={() => {
              downloadGraph();
              onClose();
            }}
          >
            Download
          </button>
        )}
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </DialogFrame>
  );
}
