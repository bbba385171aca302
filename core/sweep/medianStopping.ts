/**
 * The median stopping rule (Golovin et al., "Google Vizier", KDD 2017), on validation accuracy:
 * after epoch e (e >= graceEpochs) a trial is stopped when its best validation accuracy so far is
 * below the median of the best validation accuracies the other trials had reached by epoch e,
 * counting only trials that ran to epoch e, and only once there are at least minPeers of them.
 * Trials run one after another, so the peers are the trials before this one.
 */

export interface StoppingDecision {
  epoch: number;
  /** This trial's best validation accuracy up to `epoch`. */
  best: number;
  median: number;
  peers: number;
}

/** best[e - 1]: the best validation accuracy up to epoch e, from per-epoch accuracies (null: not measured). */
export function runningBest(valAccuracies: (number | null)[]): number[] {
  const out: number[] = [];
  let best = -Infinity;
  for (const a of valAccuracies) {
    if (a !== null && Number.isFinite(a) && a > best) best = a;
    out.push(best);
  }
  return out;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * The decision after `epoch` for a trial with per-epoch validation accuracies `own`, given the
 * running-best curves of earlier trials; null: keep going.
 */
export function medianStoppingDecision(
  own: (number | null)[],
  peerBests: number[][],
  rule: { graceEpochs: number; minPeers: number },
): StoppingDecision | null {
  const epoch = own.length;
  if (epoch < rule.graceEpochs) return null;
  const best = runningBest(own)[epoch - 1];
  if (!Number.isFinite(best)) return null;
  const peers = peerBests.filter((b) => b.length >= epoch && Number.isFinite(b[epoch - 1])).map((b) => b[epoch - 1]);
  if (peers.length < rule.minPeers) return null;
  const m = median(peers);
  return best < m ? { epoch, best, median: m, peers: peers.length } : null;
}
