import { StoreError, WorkspaceFault } from '../../core/store/errors';
import { defaultWorkspacePath, openWorkspace, type Workspace } from '../../core/store/workspace';
import { repeatRecordedTraining, resumeRecordedTraining, startRecordedTraining, type RecordedTraining } from '../../core/runs/recordedTraining';
import { compareReproduction, describeReproduction, type Reproduction } from '../../core/runs/reproduction';
import type { TrainingRequest } from '../../core/train/prepare';
import type { StoredParameter } from '../../core/train/checkpoint';
import { buildModelFromValues, loadModel, ModelFormatError, MODEL_FORMAT } from '../../core/model/modelFile';
import { checkPreprocessing } from '../../core/data/preprocessing';
import { parseGraph, GraphFormatError } from '../../core/graph/parse';
import type { GraphFile } from '../../core/graph/format';
import { parseCommandArgs } from '../args';
import { CliError, readJsonFile, writeFileAtomic, type CliIO } from '../io';
import { checkOutputFile } from '../output-paths';
import { stopOnInterrupt } from '../interrupt';
import { ProgressPrinter } from '../progress';
import { settingsFromFlags, TRAINING_FLAGS } from '../training-flags';

export const trainUsage =
  'cnnwb train <graph-or-model.json> --data <path|fashion-mnist|sample> [--optimizer sgd|adam|newton] [--epochs N] [--batch B] [--lr X] [--seed N] [--average BETA] [--backend auto|wasm-simd|gpujs|js|reference] [--out model.json] [--db workspace.db | --no-store] [--experiment NAME] [--name RUN]\n       cnnwb train --resume <run-id> [--db workspace.db]\n       cnnwb train --repeat <run> [--epochs N] [--db workspace.db] [--experiment NAME] [--name RUN] [--out model.json]';

const options = {
  ...TRAINING_FLAGS,
  data: { type: 'string' },
  backend: { type: 'string' },
  resize: { type: 'boolean' },
  out: { type: 'string' },
  db: { type: 'string' },
  'no-store': { type: 'boolean' },
  experiment: { type: 'string' },
  name: { type: 'string' },
  resume: { type: 'string' },
  repeat: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** A graph file, or a model file (its graph, weights and preprocessing). */
export function readGraphOrModel(path: string): { graph: GraphFile; parameters?: StoredParameter[]; preprocessing?: unknown } {
  const raw = readJsonFile(path) as { format?: unknown };
  try {
    if (raw && raw.format === MODEL_FORMAT) {
      const loaded = loadModel(raw);
      return { graph: loaded.model.graph, parameters: loaded.parameters.map((p) => ({ layerId: p.layerId, name: p.name, values: Array.from(p.values) })), preprocessing: loaded.model.preprocessing };
    }
    return { graph: parseGraph(raw) };
  } catch (e) {
    if (e instanceof GraphFormatError || e instanceof ModelFormatError) throw new CliError(path, e.message);
    throw e;
  }
}

/** The workspace a run is recorded in (its errors name the file themselves), or null with --no-store. */
export function openStore(values: { db?: string; 'no-store'?: boolean }): Workspace | null {
  if (values['no-store']) return null;
  const path = values.db ?? defaultWorkspacePath();
  checkOutputFile(path, '--db');
  return openWorkspace(path);
}

/** Settings of the original run are what a repeat is for: only --epochs may cut it short. */
function openRepeatStore(values: Record<string, unknown>, positionals: string[]): Workspace {
  if (positionals.length > 0) throw new CliError('--repeat', `takes the original run's graph; drop "${positionals[0]}"`);
  if (values['no-store']) throw new CliError('--repeat', 'needs the workspace that holds the run (drop --no-store)');
  const changed = Object.keys(TRAINING_FLAGS).filter((flag) => flag !== 'epochs' && values[flag] !== undefined);
  for (const flag of ['data', 'backend', 'resize']) if (values[flag] !== undefined) changed.push(flag);
  if (changed.length > 0) throw new CliError('--repeat', `uses the original run's settings, data and backend; --${changed[0]} cannot change them (only --epochs can cut the repeat short)`);
  return openStore({ db: values.db as string | undefined })!;
}

export async function runTrain(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, options);
  if (values.out !== undefined) checkOutputFile(values.out, '--out'); // before the run, not after it
  const progress = new ProgressPrinter(io.stderr as CliIO['stderr'] & { isTTY?: boolean });
  let training: RecordedTraining;
  let workspace: Workspace | null;
  let graph: GraphFile;
  let prepared = false;
  let repeatOf: number | null = null;
  if (values.resume !== undefined && values.repeat !== undefined) throw new CliError('--repeat', 'cannot be combined with --resume');
  if (values.resume !== undefined) {
    const runId = Number(values.resume);
    if (!Number.isInteger(runId) || runId < 1) throw new CliError('--resume', `expected a run id, got "${values.resume}"`);
    if (values['no-store']) throw new CliError('--resume', 'needs the workspace (drop --no-store)');
    const ws = openStore({ db: values.db })!;
    workspace = ws;
    try {
      const run = ws.runs.get(runId);
      if (!run) throw new CliError('--resume', `no run ${runId} in ${ws.path}`);
      graph = parseGraph(JSON.parse(run.graphJson));
      training = resumeRecordedTraining(ws, runId, { onPrepared: () => (prepared = true), onEvent: (e) => progress.handle(e) });
    } catch (e) {
      ws.close();
      throw e instanceof CliError || e instanceof StoreError ? e : new CliError('', (e as Error).message);
    }
  } else if (values.repeat !== undefined) {
    const ws = openRepeatStore(values, positionals);
    workspace = ws;
    try {
      const original = ws.runs.resolve(values.repeat);
      repeatOf = original.id;
      graph = parseGraph(JSON.parse(original.graphJson));
      const { epochs } = settingsFromFlags({ epochs: values.epochs });
      training = repeatRecordedTraining(ws, original, { epochs, experiment: values.experiment, runName: values.name, onPrepared: () => (prepared = true), onEvent: (e) => progress.handle(e) });
    } catch (e) {
      ws.close();
      throw e instanceof CliError ? e : new CliError('--repeat', (e as Error).message);
    }
  } else {
    if (positionals.length !== 1) throw new CliError('usage', trainUsage);
    if (!values.data) throw new CliError('--data', 'name the data: a path, fashion-mnist or sample');
    const source = readGraphOrModel(positionals[0]);
    graph = source.graph;
    const cleaned = settingsFromFlags(values);
    const request: TrainingRequest = {
      graph,
      data: values.data,
      resize: values.resize,
      config: cleaned,
      backend: values.backend ?? 'auto',
      initialParameters: source.parameters,
      preprocessing: source.preprocessing === undefined ? undefined : checkPreprocessing(source.preprocessing, `${positionals[0]}: preprocessing`),
    };
    workspace = openStore(values);
    training = startRecordedTraining(request, workspace, { experiment: values.experiment, runName: values.name, onPrepared: () => (prepared = true), onEvent: (e) => progress.handle(e) });
  }
  const removeInterrupt = stopOnInterrupt(io.stderr, 'stopping after this step', () => training.stop());
  try {
    const result = await training.done;
    const runId = training.runId();
    const accuracy = result.outcome.evaluation?.accuracy;
    if (values.out) {
      writeFileAtomic(values.out, JSON.stringify(buildModelFromValues(graph, result.finalParameters, { seed: result.info.config.seed, preprocessing: result.info.preprocessing })) + '\n');
    }
    if (result.storeFault) {
      const f = result.storeFault;
      throw new WorkspaceFault(f.file, f.fault, `${f.message.slice(f.file.length + 2)}${values.out ? `; the model as trained so far was written to ${values.out}` : ''}`);
    }
    const reproduction: Reproduction | undefined = repeatOf !== null && runId !== null ? compareReproduction(workspace!, repeatOf, runId) : undefined;
    const summary = { status: result.outcome.status, message: result.outcome.message, steps: result.outcome.steps, runId, testAccuracy: accuracy ?? null, model: values.out ?? null, workspace: workspace?.path ?? null };
    if (values.json) io.stdout.write(JSON.stringify({ ...summary, evaluation: result.outcome.evaluation, ...(reproduction ? { reproduction } : {}) }) + '\n');
    else {
      io.stdout.write(
        `${result.outcome.status}${accuracy !== undefined ? `: test accuracy ${(100 * accuracy).toFixed(2)}%` : ''}${runId !== null ? ` (run ${runId} in ${workspace!.path})` : ''}${values.out ? `, model written to ${values.out}` : ''}\n`,
      );
      if (reproduction) io.stdout.write(describeReproduction(reproduction) + '\n');
    }
    return result.outcome.status === 'diverged' ? 1 : 0;
  } catch (e) {
    // before the worker has prepared, the graph, the data or the backend was refused: bad input
    if (!prepared) throw new CliError('', (e as Error).message);
    throw e;
  } finally {
    removeInterrupt();
    workspace?.close();
  }
}
