/**
 * Creating a sweep, or finding the one a repeated command means: the spec is checked
 * (checkSweep), its trials expanded and stored; the same spec (same digest) with an unfinished
 * sweep in the workspace continues that sweep instead of starting another.
 */
import { createHash } from 'node:crypto';
import type { SweepRecord } from '../store/sweeps';
import type { Workspace } from '../store/workspace';
import { checkSweep, type SweepSpec } from './spec';

/** sha256 of the checked spec's JSON: what makes two sweep commands "the same sweep". */
export function sweepDigest(spec: SweepSpec): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(spec)).digest('hex')}`;
}

export function createOrContinueSweep(ws: Workspace, input: SweepSpec, options: { continueSame?: boolean } = {}): { sweep: SweepRecord; continued: boolean } {
  const { spec, trials } = checkSweep(input);
  const digest = sweepDigest(spec);
  if (options.continueSame ?? true) {
    const unfinished = ws.sweeps.unfinishedWithDigest(digest);
    if (unfinished) return { sweep: unfinished, continued: true };
  }
  const sweep = ws.sweeps.create({ experiment: spec.experiment?.trim() || 'sweep-{id}', spec, specDigest: digest, trials: trials.map((t) => t.values) });
  return { sweep, continued: false };
}
