import { trainingStore } from '../training/training-store';
import { inspectStore } from './inspect-store';
import { latestOnly } from './latest-only';

/** The gradient flow is refetched at most once a second. */
const FLOW_INTERVAL_MS = 1000;
/** Refetches while the store lags behind the statistics the events announced (the recorder commits up to a second late). */
const CATCH_UP_TRIES = 5;

/**
 * Keeps the inspection views current while a run trains and when a run is chosen: the gradient
 * flow (Gradients tab, edge colours, node sparklines and warnings) as statistics arrive and once
 * more when the run ends; the activations of the chosen instance (node previews, Activations tab,
 * dead ReLUs) on each new checkpoint of the run whose weights the views use (inspect-store refetches
 * them too when the instance or that run changes). Requests go through latestOnly: one at a time,
 * rate-limited, stale ones dropped; nothing here runs on the training thread.
 * Returns the function that stops it.
 */
export function startLiveInspection(): () => void {
  let tries = 0;
  const flow = latestOnly(async () => {
    const followed = trainingStore.getState().runId;
    const runId = followed ?? inspectStore.getState().flowRunId;
    if (runId === null) return;
    await inspectStore.getState().loadFlow(runId);
    const { statsStep, runId: still } = trainingStore.getState();
    const steps = inspectStore.getState().flow?.steps ?? [];
    const last = steps.length > 0 ? steps[steps.length - 1] : null;
    if (followed !== null && still === followed && statsStep !== null && (last === null || last < statsStep) && tries++ < CATCH_UP_TRIES) flow.request();
  }, FLOW_INTERVAL_MS);

  const offTraining = trainingStore.subscribe((s, prev) => {
    if (s.statsVersion !== prev.statsVersion || (s.runId !== prev.runId && s.runId !== null)) {
      tries = 0;
      flow.request();
    }
    if (s.checkpointVersion !== prev.checkpointVersion && s.runId !== null && s.runId === inspectStore.getState().weightsRunId) inspectStore.getState().refreshInspection();
  });
  if (trainingStore.getState().runId !== null) flow.request();
  return () => {
    offTraining();
    flow.cancel();
  };
}
