import { api } from '../api/workbench-api';
import { editorStore } from '../editor/editor-store-context';
import { inspectStore } from '../inspect/inspect-store';
import { formFromRun, setForm } from '../training/training-store';

/**
 * Puts a stored run's graph into the editor (inspections then use its latest checkpoint) and its
 * data into the Train form; with `settings`, the form takes all its settings too (a sweep's trial:
 * train it again, or vary it by hand).
 */
export async function loadRunIntoEditor(runId: number, options: { settings?: boolean } = {}): Promise<void> {
  const run = await api.getRun(runId);
  editorStore.getState().replace(run.graph, null);
  // The status bar names what the editor now holds (not the template or file before it).
  editorStore.getState().notify({ kind: 'info', text: `Loaded the graph of run ${run.summary.name} (${runId}).` });
  inspectStore.getState().setWeightsRun(runId);
  if (options.settings) {
    const { runName: _name, ...form } = formFromRun(run);
    setForm(form);
  } else {
    const data = (run.hyperParameters as { data?: unknown }).data;
    if (data === 'sample' || data === 'fashion-mnist') setForm({ dataKind: data });
    else if (typeof data === 'string') setForm({ dataKind: 'path', dataPath: data });
  }
  void inspectStore.getState().loadFlow(runId);
}
