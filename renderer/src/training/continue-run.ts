import { api } from '../api/workbench-api';
import { inspectStore } from '../inspect/inspect-store';
import { followAgain, followRunFromStore, formFromRun, setForm, unfollow } from './training-store';

/**
 * Continues a stored run and follows it as one run: the counter and curves start from its stored
 * steps (not from 0), and the Train form shows the settings it runs with (its own, not the form's).
 * Its first events wait (unfollowed) until the stored history is loaded, then are replayed on top.
 */
export async function continueRunInDashboard(runId: number): Promise<void> {
  const previous = unfollow();
  let started;
  try {
    started = await api.continueRun(runId);
  } catch (e) {
    followAgain(previous);
    throw e;
  }
  const detail = await api.getRun(runId);
  followRunFromStore(detail, `${started.backend} (${started.backendDescription})`);
  setForm(formFromRun(detail));
  inspectStore.getState().setWeightsRun(runId);
}
