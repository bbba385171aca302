import { createOrContinueSweep } from '../../core/sweep/create';
import { parseDimensionText } from '../../core/sweep/dimensionText';
import { sweepResults, type SweepResults } from '../../core/sweep/results';
import { runSweep } from '../../core/sweep/scheduler';
import { DEFAULT_EARLY_STOPPING, SweepSpecError, type EarlyStoppingSpec, type SweepSpec } from '../../core/sweep/spec';
import type { SweepValue } from '../../core/sweep/dimensions';
import { openWorkspaceReadOnly, defaultWorkspacePath, type Workspace } from '../../core/store/workspace';
import { parseCommandArgs } from '../args';
import { CliError, type CliIO } from '../io';
import { stopOnInterrupt } from '../interrupt';
import { ProgressPrinter } from '../progress';
import { numberFlag, settingsFromFlags, TRAINING_FLAGS } from '../training-flags';
import { openStore, readGraphOrModel } from './train';

export const sweepUsage =
  'cnnwb sweep <graph.json> --data <path|fashion-mnist|sample> --grid name=v1,v2 ... [--random N --seed S] [--budget-runs N | --budget-minutes M] [--early-stopping median|none] [training flags as for train] [--db FILE] [--experiment NAME] [--new] [--json]\n       cnnwb sweep --resume <sweep-id> | --show <sweep-id> [--db FILE] [--json]';

const { seed: _trainingSeed, ...BASE_FLAGS } = TRAINING_FLAGS; // --seed is the search's seed; a training seed is a dimension (--grid seed=3)

const options = {
  ...BASE_FLAGS,
  data: { type: 'string' },
  backend: { type: 'string' },
  resize: { type: 'boolean' },
  grid: { type: 'string', multiple: true },
  random: { type: 'string' },
  seed: { type: 'string' },
  'budget-runs': { type: 'string' },
  'budget-minutes': { type: 'string' },
  'early-stopping': { type: 'string' },
  db: { type: 'string' },
  experiment: { type: 'string' },
  new: { type: 'boolean' },
  resume: { type: 'string' },
  show: { type: 'string' },
  json: { type: 'boolean' },
} as const;

function earlyStopping(text: string | undefined): EarlyStoppingSpec {
  if (text === undefined) return DEFAULT_EARLY_STOPPING;
  if (text === 'none') return { rule: 'none' };
  const m = /^median(?::(\d+)(?::(\d+))?)?$/.exec(text);
  if (!m) throw new CliError('--early-stopping', `expected median, median:GRACE_EPOCHS[:MIN_PEERS] or none, got "${text}"`);
  return { rule: 'median', graceEpochs: m[1] ? Number(m[1]) : DEFAULT_EARLY_STOPPING.graceEpochs, minPeers: m[2] ? Number(m[2]) : DEFAULT_EARLY_STOPPING.minPeers };
}

function sweepId(flag: string, text: string): number {
  const id = Number(text);
  if (!Number.isInteger(id) || id < 1) throw new CliError(flag, `expected a sweep id, got "${text}"`);
  return id;
}

const pct = (x: number | null) => (x === null ? '-' : `${(100 * x).toFixed(2)}%`);
const shown = (v: unknown) => (v === null ? 'none' : String(v));

/** The sweep's table: trial, the varied values, state, run, best validation and test accuracy, wall time. */
export function formatSweepTable(r: SweepResults): string {
  const header = ['TRIAL', ...r.dimensions, 'STATE', 'RUN', 'BEST VAL', 'TEST', 'EPOCHS', 'WALL'];
  const rows = r.rows.map((row) => [String(row.trial), ...r.dimensions.map((d) => shown(row.values[d])), row.state, row.runId === null ? '-' : String(row.runId), pct(row.valAccuracy), pct(row.testAccuracy), String(row.epochs), `${(row.wallMs / 1000).toFixed(1)}s`]);
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((row) => row[j].length)));
  return [header, ...rows].map((row) => row.map((c, j) => c.padEnd(widths[j])).join('  ').trimEnd()).join('\n') + '\n';
}

function printResults(ws: Workspace, id: number, json: boolean, io: CliIO): void {
  const r = sweepResults(ws, id);
  if (json) {
    const { spec: _spec, ...sweep } = r.sweep;
    io.stdout.write(JSON.stringify({ sweep, dimensions: r.dimensions, runs: r.rows }) + '\n');
    return;
  }
  const best = r.rows.filter((row) => row.valAccuracy !== null).sort((a, b) => b.valAccuracy! - a.valAccuracy!)[0];
  io.stdout.write(`sweep ${id} (${r.sweep.experiment}): ${r.sweep.status}${r.sweep.statusDetail ? ` — ${r.sweep.statusDetail}` : ''}\n`);
  io.stdout.write(formatSweepTable(r));
  if (best) io.stdout.write(`best validation accuracy: trial ${best.trial} (run ${best.runId}) ${pct(best.valAccuracy)}, test ${pct(best.testAccuracy)}\n`);
}

/** A refused sweep as the CLI says it: `--grid lr=-1: ...`, or the graph file for a base that does not compile. */
function asCliError<T>(f: () => T, graphPath: string): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof SweepSpecError) throw new CliError(e.where === 'base' ? graphPath : e.where.startsWith('--') ? e.where : `--grid ${e.where}`, e.problem);
    throw e;
  }
}

function specFromArgs(values: Record<string, unknown>, positionals: string[]): SweepSpec {
  if (positionals.length !== 1) throw new CliError('usage', sweepUsage);
  if (!values.data) throw new CliError('--data', 'name the data: a path, fashion-mnist or sample');
  const grid = (values.grid as string[] | undefined) ?? [];
  if (grid.length === 0) throw new CliError('--grid', 'name at least one dimension to vary (--grid lr=0.01,0.001)');
  if (values.seed !== undefined && values.random === undefined) throw new CliError('--seed', 'seeds a random search: give --random N too (a training seed is a dimension: --grid seed=3)');
  if (values['budget-runs'] !== undefined && values['budget-minutes'] !== undefined) throw new CliError('--budget-minutes', 'give --budget-runs or --budget-minutes, not both');
  const source = readGraphOrModel(positionals[0]);
  if (source.parameters) throw new CliError(positionals[0], 'is a model file; a sweep trains from a graph file');
  const random = numberFlag('random', values.random as string | undefined);
  return {
    graph: source.graph,
    data: values.data as string,
    ...(values.resize ? { resize: true } : {}),
    backend: (values.backend as string | undefined) ?? 'auto',
    settings: settingsFromFlags(values),
    dimensions: grid.map(parseDimensionText),
    search: random === undefined ? { kind: 'grid' } : { kind: 'random', count: random, seed: numberFlag('seed', values.seed as string | undefined) ?? 1 },
    budget: { runs: numberFlag('budget-runs', values['budget-runs'] as string | undefined), minutes: numberFlag('budget-minutes', values['budget-minutes'] as string | undefined) },
    earlyStopping: earlyStopping(values['early-stopping'] as string | undefined),
    ...(values.experiment ? { experiment: values.experiment as string } : {}),
  };
}

/**
 * `cnnwb sweep`: creates a sweep (or continues the unfinished one with the same spec, or the one
 * --resume names) and runs its trials one after another; Ctrl-C stops the running trial at a
 * checkpoint, and the same command (or --resume) continues where it was.
 */
export async function runSweepCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, options);
  if (values.show !== undefined) {
    const ws = openWorkspaceReadOnly(values.db ?? defaultWorkspacePath());
    try {
      printResults(ws, sweepId('--show', values.show), values.json ?? false, io);
      return 0;
    } finally {
      ws.close();
    }
  }
  let spec: SweepSpec | null = null;
  if (values.resume === undefined) spec = asCliError(() => specFromArgs(values, positionals), positionals[0]);
  else if (positionals.length > 0) throw new CliError('--resume', 'continues a stored sweep as it was; give no graph or dimensions');
  const ws = openStore({ db: values.db })!;
  try {
    let id: number;
    if (spec) {
      const created = asCliError(() => createOrContinueSweep(ws, spec, { continueSame: !values.new }), positionals[0]);
      id = created.sweep.id;
      const trials = ws.sweeps.trials(id);
      io.stderr.write(
        created.continued
          ? `continuing sweep ${id} (${trials.filter((t) => ['finished', 'pruned', 'failed', 'skipped'].includes(t.state)).length} of ${trials.length} trials done; --new starts another)\n`
          : `sweep ${id}: ${trials.length} trial(s), runs recorded in experiment "${created.sweep.experiment}" of ${ws.path}\n`,
      );
    } else {
      id = sweepId('--resume', values.resume!);
      const sweep = ws.sweeps.get(id);
      if (!sweep) throw new CliError('--resume', `no sweep ${id} in ${ws.path}`);
      if (sweep.status === 'completed') {
        printResults(ws, id, values.json ?? false, io);
        return 0;
      }
      io.stderr.write(`continuing sweep ${id}\n`);
    }
    const progress = new ProgressPrinter(io.stderr as CliIO['stderr'] & { isTTY?: boolean });
    const total = ws.sweeps.trials(id).length;
    const execution = runSweep(ws, id, undefined, {
      onTrialStart: (t, runId, continued) =>
        io.stderr.write(`trial ${t.index + 1}/${total} (${Object.entries(t.values).map(([k, v]) => `${k}=${shown(v as SweepValue)}`).join(', ')}): ${continued ? 'continuing' : 'run'} ${runId}\n`),
      onTrialEnd: (t) => {
        if (t.state === 'pending') io.stderr.write(`trial ${t.index + 1}: stopped at a checkpoint; it continues from there\n`);
        else if (t.state !== 'finished' && t.state !== 'running') io.stderr.write(`trial ${t.index + 1}: ${t.state}${t.decision ? ` ${JSON.stringify(t.decision)}` : ''}\n`);
      },
      onEvent: (_i, e) => progress.handle(e),
    });
    const removeInterrupt = stopOnInterrupt(io.stderr, 'stopping the sweep after this step; the same command or --resume continues it', () => execution.stop());
    try {
      await execution.done;
    } finally {
      removeInterrupt();
    }
    printResults(ws, id, values.json ?? false, io);
    return 0;
  } finally {
    ws.close();
  }
}
