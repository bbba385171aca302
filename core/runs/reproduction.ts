/**
 * Whether a repeated run retraced its original: every epoch both reached, compared exactly
 * (training loss and accuracy, validation loss and accuracy, as stored), and the test accuracy
 * when both ran the same epochs to the end. Training is deterministic for a seed on one
 * machine and backend, so any difference is a real one, not noise.
 */
import type { StoredEpochMetric } from '../store/records';
import type { Workspace } from '../store/workspace';

const METRICS = ['trainLoss', 'trainAccuracy', 'valLoss', 'valAccuracy'] as const;

export interface Reproduction {
  original: number;
  repeat: number;
  /** Epochs 1 .. epochsCompared were compared. */
  epochsCompared: number;
  /** No difference: for scripts reading the JSON. */
  identical: boolean;
  /** The first difference, in epoch order. */
  difference?: { epoch: number; metric: string; original: number | null; repeat: number | null };
  /** Both runs' test accuracy, when both ran the same number of epochs and were evaluated. */
  testAccuracy?: { original: number; repeat: number };
}

export function compareReproduction(workspace: Workspace, originalId: number, repeatId: number): Reproduction {
  const a = workspace.series.epochs(originalId);
  const b = workspace.series.epochs(repeatId);
  const epochsCompared = Math.min(a.length, b.length);
  let difference = firstDifference(a.slice(0, epochsCompared), b.slice(0, epochsCompared));
  let testAccuracy: Reproduction['testAccuracy'];
  const [testA, testB] = [lastTestAccuracy(workspace, originalId), lastTestAccuracy(workspace, repeatId)];
  if (!difference && a.length === b.length && testA !== undefined && testB !== undefined) {
    testAccuracy = { original: testA, repeat: testB };
    if (!Object.is(testA, testB)) difference = { epoch: epochsCompared, metric: 'testAccuracy', original: testA, repeat: testB };
  }
  return { original: originalId, repeat: repeatId, epochsCompared, identical: difference === undefined, ...(difference ? { difference } : {}), ...(testAccuracy ? { testAccuracy } : {}) };
}

function firstDifference(a: StoredEpochMetric[], b: StoredEpochMetric[]): Reproduction['difference'] {
  for (let i = 0; i < a.length; i++) {
    if (a[i].epoch !== b[i].epoch || a[i].step !== b[i].step) return { epoch: a[i].epoch, metric: 'step', original: a[i].step, repeat: b[i].step };
    for (const metric of METRICS) if (!Object.is(a[i][metric], b[i][metric])) return { epoch: a[i].epoch, metric, original: a[i][metric], repeat: b[i][metric] };
  }
  return undefined;
}

function lastTestAccuracy(workspace: Workspace, runId: number): number | undefined {
  return workspace.evaluations.list(runId).filter((e) => e.split === 'test').at(-1)?.accuracy;
}

/** One line for a person: what matched, or the first thing that did not. */
export function describeReproduction(r: Reproduction): string {
  const what = `repeat of run ${r.original} (run ${r.repeat})`;
  if (r.epochsCompared === 0) return `${what}: no epoch to compare`;
  const span = r.epochsCompared === 1 ? 'epoch 1' : `epochs 1-${r.epochsCompared}`;
  if (r.difference) {
    const d = r.difference;
    return `${what} differs from the original at epoch ${d.epoch}: ${d.metric} ${d.original} vs ${d.repeat}`;
  }
  const test = r.testAccuracy ? `, and the same test accuracy ${(100 * r.testAccuracy.repeat).toFixed(2)}%` : '';
  return `${what}: ${span} identical to the original (training and validation loss and accuracy)${test}`;
}
