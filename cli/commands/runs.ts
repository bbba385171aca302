import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readingDamaged } from '../../core/store/damage';
import { StoreError } from '../../core/store/errors';
import { appDataFolder, WORKSPACE_FILE_NAME } from '../../core/store/paths';
import type { Run } from '../../core/store/records';
import { exportToFile, importFromFile } from '../../core/store/share';
import { defaultWorkspacePath, openWorkspace, openWorkspaceReadOnly, type Workspace } from '../../core/store/workspace';
import { parseCommandArgs } from '../args';
import { reportFailure } from '../failure';
import { CliError, type CliIO } from '../io';
import { checkOutputFile } from '../output-paths';

export const runsUsage =
  'cnnwb runs list [--experiment NAME] [--sweep ID] | show <run> | compare <run> <run> | export <run|experiment> <file> | import <file> | delete <run>  [--db FILE] [--json]';

const HELP = `${runsUsage}

  <run> is a run id, experiment/name, a run name unique in the workspace, or a uid prefix.
  export takes a run, or an experiment name (write "experiment:NAME" when a run has that name too).
  --db FILE   the workspace (default: ${'$'}XDG_CONFIG_HOME/cnn-workbench/workspace.db or the platform's app-data folder)
  --json      machine-readable output
`;

// ---------- formatting ----------

/** Columns padded to their widest cell; numbers right-aligned. */
function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => String(c)))];
  const numeric = header.map((_, j) => rows.length > 0 && rows.every((r) => typeof r[j] === 'number' || /^[-+]?[\d.,]+ ?%?$/.test(String(r[j])) || r[j] === '-'));
  const widths = header.map((_, j) => Math.max(...cells.map((r) => r[j].length)));
  return cells.map((r) => r.map((c, j) => (numeric[j] ? c.padStart(widths[j]) : c.padEnd(widths[j]))).join('  ').trimEnd()).join('\n') + '\n';
}

const pct = (x: number | null | undefined) => (x == null || Number.isNaN(x) ? '-' : `${(100 * x).toFixed(2)}%`);
const num = (x: number | null | undefined, digits = 4) => (x == null ? '-' : Number.isNaN(x) ? 'NaN' : x.toPrecision(digits));
const when = (ms: number | null) => (ms == null ? '-' : new Date(ms).toISOString().slice(0, 16).replace('T', ' '));

function duration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(s % 60).padStart(2, '0')}s`;
}

function bytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 ** 2).toFixed(1)} MiB`;
}

const runLabel = (r: Run) => `${r.experiment}/${r.name}`;

function runSummary(r: Run) {
  const { graphJson, ...rest } = r;
  return { ...rest, graph: JSON.parse(graphJson) as unknown };
}

// ---------- subcommands ----------

function list(ws: Workspace, filter: { experiment?: string; sweep?: number }, json: boolean, io: CliIO): number {
  const bySweep = ws.sweeps.runIndex();
  const runs = ws.runs.list({ experiment: filter.experiment }).filter((r) => filter.sweep === undefined || bySweep.get(r.id)?.sweepId === filter.sweep);
  const sweepOf = (r: Run) => bySweep.get(r.id);
  if (json) {
    io.stdout.write(JSON.stringify(runs.map(({ graphJson: _g, ...r }) => ({ ...r, sweepId: sweepOf(r as Run)?.sweepId ?? null, trial: sweepOf(r as Run) ? sweepOf(r as Run)!.index + 1 : null })), null, 2) + '\n');
    return 0;
  }
  if (runs.length === 0) {
    io.stdout.write(filter.sweep !== undefined ? `no runs in sweep ${filter.sweep}\n` : filter.experiment ? `no runs in experiment "${filter.experiment}"\n` : 'no runs yet\n');
    return 0;
  }
  const sweepCell = (r: Run) => {
    const s = sweepOf(r);
    return s ? `${s.sweepId} (trial ${s.index + 1})` : '-';
  };
  io.stdout.write(
    table(
      ['ID', 'EXPERIMENT', 'NAME', 'STATUS', 'STEP', 'EPOCH', 'BEST VAL', 'WALL', 'BACKEND', 'SWEEP', 'STARTED'],
      runs.map((r) => [r.id, r.experiment, r.name, r.status, r.lastStep ?? '-', r.lastEpoch ?? '-', pct(r.bestValAccuracy), duration(r.wallMs), r.backend, sweepCell(r), when(r.startedAt)]),
    ),
  );
  return 0;
}

function show(ws: Workspace, ref: string, json: boolean, io: CliIO): number {
  const run = ws.runs.resolve(ref);
  const epochs = ws.series.epochs(run.id);
  const checkpoints = ws.checkpoints.list(run.id);
  const evaluations = ws.evaluations.list(run.id);
  const counts = ws.series.counts(run.id);
  if (json) {
    const lastSteps = ws.series.steps(run.id, { limit: 1 });
    io.stdout.write(
      JSON.stringify({ ...runSummary(run), counts, lastStepMetric: lastSteps[0] ?? null, epochs, checkpoints, evaluations: evaluations.map(({ misclassified, ...e }) => ({ ...e, misclassifiedCount: misclassified.length })) }, null, 2) + '\n',
    );
    return 0;
  }
  const graph = JSON.parse(run.graphJson) as { name?: string; nodes?: unknown[] };
  const lines: [string, string][] = [
    ['run', `${run.id}  ${runLabel(run)}  (uid ${run.uid})`],
    ['status', run.status + (run.statusDetail ? ` — ${run.statusDetail}` : '')],
    ['graph', `${graph.name ?? '(unnamed)'}, ${graph.nodes?.length ?? '?'} nodes`],
    ['dataset', `${run.dataset.name} (${run.dataset.fingerprint})`],
    ['seed / backend', `${run.seed} / ${run.backend}`],
    ['hyper-parameters', Object.entries(run.hyperParameters).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ')],
    ['started / ended', `${when(run.startedAt)} / ${when(run.endedAt)}`],
    ['wall time', duration(run.wallMs)],
    ['progress', `step ${run.lastStep ?? '-'}, epoch ${run.lastEpoch ?? '-'}`],
    ['best val accuracy', pct(run.bestValAccuracy)],
    ['recorded', `${counts.steps} steps, ${counts.epochs} epochs, ${counts.layerStats} layer statistics (every ${run.statsEvery} steps), ${counts.checkpoints} checkpoints, ${counts.evaluations} evaluations`],
  ];
  const width = Math.max(...lines.map(([k]) => k.length));
  io.stdout.write(lines.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n') + '\n');
  if (epochs.length > 0)
    io.stdout.write('\n' + table(['EPOCH', 'STEP', 'TRAIN LOSS', 'TRAIN ACC', 'VAL LOSS', 'VAL ACC'], epochs.map((e) => [e.epoch, e.step, num(e.trainLoss), pct(e.trainAccuracy), num(e.valLoss), pct(e.valAccuracy)])));
  if (checkpoints.length > 0)
    io.stdout.write('\n' + table(['CHECKPOINT', 'STEP', 'EPOCH', 'WEIGHTS', 'OPTIMIZER', 'SAVED'], checkpoints.map((c) => [c.id, c.step, c.epoch, bytes(c.weightsBytes), bytes(c.optimizerBytes), when(c.createdAt)])));
  if (evaluations.length > 0)
    io.stdout.write('\n' + table(['EVALUATION', 'SPLIT', 'STEP', 'ACCURACY', 'MISCLASSIFIED'], evaluations.map((e) => [e.id, e.split, e.step, pct(e.accuracy), e.misclassified.length])));
  return 0;
}

function graphWithoutLayout(graphJson: string): string {
  const g = JSON.parse(graphJson) as { nodes?: Record<string, unknown>[]; edges?: unknown[] };
  return JSON.stringify({ nodes: (g.nodes ?? []).map(({ position: _p, ...n }) => n), edges: g.edges });
}

function compare(ws: Workspace, refA: string, refB: string, json: boolean, io: CliIO): number {
  const [a, b] = [ws.runs.resolve(refA), ws.runs.resolve(refB)];
  const last = (r: Run) => ws.series.steps(r.id, { limit: 1 })[0];
  const epochsA = ws.series.epochs(a.id);
  const epochsB = ws.series.epochs(b.id);
  const lastEpoch = (e: typeof epochsA) => e.at(-1);
  const rows: [string, unknown, unknown][] = [
    ['run', runLabel(a), runLabel(b)],
    ['status', a.status, b.status],
    ['graph', graphWithoutLayout(a.graphJson) === graphWithoutLayout(b.graphJson) ? 'same' : 'differs', graphWithoutLayout(a.graphJson) === graphWithoutLayout(b.graphJson) ? 'same' : 'differs'],
    ['dataset', `${a.dataset.name} ${a.dataset.fingerprint}`, `${b.dataset.name} ${b.dataset.fingerprint}`],
    ['seed', a.seed, b.seed],
    ['backend', a.backend, b.backend],
    ...[...new Set([...Object.keys(a.hyperParameters), ...Object.keys(b.hyperParameters)])].map(
      (k): [string, unknown, unknown] => [k, a.hyperParameters[k], b.hyperParameters[k]],
    ),
    ['steps', a.lastStep, b.lastStep],
    ['epochs', epochsA.length, epochsB.length],
    ['last loss', last(a)?.loss, last(b)?.loss],
    ['last train acc', lastEpoch(epochsA)?.trainAccuracy, lastEpoch(epochsB)?.trainAccuracy],
    ['last val acc', lastEpoch(epochsA)?.valAccuracy, lastEpoch(epochsB)?.valAccuracy],
    ['best val acc', a.bestValAccuracy, b.bestValAccuracy],
    ['wall time', Math.round(a.wallMs), Math.round(b.wallMs)],
  ];
  if (json) {
    io.stdout.write(
      JSON.stringify(
        {
          a: runSummary(a),
          b: runSummary(b),
          fields: rows.map(([field, va, vb]) => ({ field, a: va ?? null, b: vb ?? null, differs: JSON.stringify(va) !== JSON.stringify(vb) })),
          epochs: { a: epochsA, b: epochsB },
        },
        null,
        2,
      ) + '\n',
    );
    return 0;
  }
  const show = (field: string, v: unknown): string => {
    if (v === undefined || v === null) return '-';
    if (typeof v === 'number') return /acc/.test(field) ? pct(v) : field === 'wall time' ? duration(v) : Number.isNaN(v) ? 'NaN' : String(Number(v.toPrecision(6)));
    return typeof v === 'string' ? v : JSON.stringify(v);
  };
  io.stdout.write(table(['', `A: ${a.id}`, `B: ${b.id}`, ''], rows.map(([f, va, vb]) => [f, show(f, va), show(f, vb), JSON.stringify(va) === JSON.stringify(vb) ? '' : '*'])));
  const n = Math.max(epochsA.length, epochsB.length);
  if (n > 0) {
    const e = Array.from({ length: n }, (_, i) => [i, pct(epochsA[i]?.valAccuracy), pct(epochsB[i]?.valAccuracy), num(epochsA[i]?.trainLoss), num(epochsB[i]?.trainLoss)] as (string | number)[]);
    io.stdout.write('\n' + table(['EPOCH', 'VAL ACC A', 'VAL ACC B', 'TRAIN LOSS A', 'TRAIN LOSS B'], e));
  }
  return 0;
}

function exportCommand(ws: Workspace, ref: string, file: string, json: boolean, io: CliIO): number {
  let target: { runId: number } | { experimentId: number };
  const experimentName = ref.startsWith('experiment:') ? ref.slice('experiment:'.length) : ref;
  const experiment = ws.experiments.byName(experimentName);
  if (ref.startsWith('experiment:')) {
    if (!experiment) throw new StoreError(`no experiment "${experimentName}" in this workspace`);
    target = { experimentId: experiment.id };
  } else {
    let run: Run | null = null;
    try {
      run = ws.runs.resolve(ref);
    } catch (e) {
      if (!experiment) throw e;
    }
    if (run && experiment) throw new StoreError(`"${ref}" is both a run and an experiment; write ${run.id} for the run or experiment:${ref}`);
    target = run ? { runId: run.id } : { experimentId: experiment!.id };
  }
  const manifest = exportToFile(ws, target, file);
  if (json) io.stdout.write(JSON.stringify({ file, ...manifest }, null, 2) + '\n');
  else io.stdout.write(`exported ${manifest.runs.length} run(s) of experiment "${manifest.experiment}" to ${file}\n` + manifestTable(manifest.runs));
  return 0;
}

function manifestTable(runs: { name: string; counts: { steps: number; epochs: number; layerStats: number; checkpoints: number; evaluations: number }; sha256: string }[]): string {
  return table(
    ['RUN', 'STEPS', 'EPOCHS', 'LAYER STATS', 'CHECKPOINTS', 'EVALUATIONS', 'SHA256'],
    runs.map((r) => [r.name, r.counts.steps, r.counts.epochs, r.counts.layerStats, r.counts.checkpoints, r.counts.evaluations, r.sha256.slice(0, 16)]),
  );
}

function importCommand(ws: Workspace, file: string, json: boolean, io: CliIO): number {
  const result = importFromFile(ws, file);
  if (json) {
    io.stdout.write(JSON.stringify(result, null, 2) + '\n');
    return 0;
  }
  io.stdout.write(`imported ${result.runs.length} run(s) into experiment "${result.experiment}" (complete: counts and checksums match)\n`);
  io.stdout.write(table(['ID', 'NAME', 'UID'], result.runs.map((r) => [r.id, r.name + (r.name !== r.originalName ? ` (was ${r.originalName})` : ''), r.uid])));
  return 0;
}

function deleteCommand(ws: Workspace, ref: string, json: boolean, io: CliIO): number {
  const run = ws.runs.resolve(ref);
  ws.runs.delete(run.id);
  io.stdout.write(json ? JSON.stringify({ deleted: run.id, uid: run.uid }) + '\n' : `deleted run ${run.id} (${runLabel(run)}) and everything it recorded\n`);
  return 0;
}

// ---------- entry ----------

/** `cnnwb runs ...`: returns the exit code (0 ok, 2 bad input or a request the store refuses, 1 a damaged or full workspace). */
export async function runRunsCommand(argv: string[], io: CliIO): Promise<number> {
  let ws: Workspace | undefined;
  try {
    const { values, positionals } = parseCommandArgs(argv, { db: { type: 'string' }, json: { type: 'boolean', default: false }, experiment: { type: 'string' }, sweep: { type: 'string' }, help: { type: 'boolean', short: 'h' } });
    const [sub, ...args] = positionals;
    if (values.help || !sub) {
      io.stdout.write(HELP);
      return values.help ? 0 : 2;
    }
    const arity: Record<string, number> = { list: 0, show: 1, compare: 2, export: 2, import: 1, delete: 1 };
    if (!(sub in arity)) throw new CliError(sub, 'unknown subcommand (list, show, compare, export, import, delete; --help shows the usage)');
    if (args.length !== arity[sub]) throw new CliError(sub, `expected ${arity[sub]} argument(s), got ${args.length} (--help shows the usage)`);
    if (sub === 'export') checkOutputFile(args[1], 'export');
    const reading = sub === 'list' || sub === 'show' || sub === 'compare' || sub === 'export';
    if (!reading) ws = openWorkspace(values.db ?? defaultWorkspacePath());
    else {
      // reading commands create nothing: not the workspace, not its folder, not a journal
      const path = values.db ?? join(appDataFolder(), WORKSPACE_FILE_NAME);
      if (sub === 'list' && values.db === undefined && !existsSync(path)) {
        io.stdout.write(values.json ? '[]\n' : `no runs yet (no workspace at ${path})\n`);
        return 0;
      }
      ws = openWorkspaceReadOnly(path);
    }
    const opened = ws;
    return readingDamaged(opened.db, opened.path, () => dispatch(opened, sub, args, values, io));
  } catch (e) {
    return reportFailure('runs', e, io);
  } finally {
    ws?.close();
  }
}

function dispatch(ws: Workspace, sub: string, args: string[], values: { experiment?: string; sweep?: string; json?: boolean }, io: CliIO): number {
  const json = values.json ?? false;
  switch (sub) {
    case 'list': {
      const sweep = values.sweep === undefined ? undefined : Number(values.sweep);
      if (sweep !== undefined && !(Number.isInteger(sweep) && sweep > 0)) throw new CliError('--sweep', `expected a sweep id, got "${values.sweep}"`);
      return list(ws, { experiment: values.experiment, sweep }, json, io);
    }
    case 'show':
      return show(ws, args[0], json, io);
    case 'compare':
      return compare(ws, args[0], args[1], json, io);
    case 'export':
      return exportCommand(ws, args[0], args[1], json, io);
    case 'import':
      return importCommand(ws, args[0], json, io);
    default:
      return deleteCommand(ws, args[0], json, io);
  }
}
