import { api } from '../api/workbench-api';
import { inspectStore } from '../inspect/inspect-store';
import { backfillFromStore, followRun, formFromRun, setForm, trainingStore } from './training-store';

/**
 * Continues a stored run and follows it as one run: the counter and curves start from its stored
 * steps (not from 0), and the Train form shows the settings it runs with (its own, not the form's).
 * The run is followed before the service starts it, so none of its events is lost; its stored
 * history is put under them once read.
 */
export async function continueRunInDashboard(runId: number): Promise<void> {
  followRun(runId, null);
  trainingStore.setState({ status: 'starting' });
  try {
    const started = await api.continueRun(runId);
    trainingStore.setState({ backendUsed: `${started.backend} (${started.backendDescription})` });
  } catch (e) {
    trainingStore.setState({ status: 'idle' });
    throw e;
  }
  const detail = await api.getRun(runId);
  backfillFromStore(detail);
  setForm(formFromRun(detail));
  inspectStore.getState().setWeightsRun(runId);
}
