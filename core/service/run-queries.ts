/** The stored runs as the UI reads and manages them (core/store, shaped for the contract). */
import type { DataImage, RunDetail, RunImportResult, RunSummary } from '../api/contract';
import type { Dataset } from '../data/dataset';
import { loadDataSource, type DataSourceSpec } from '../data/sources';
import { parseGraphText } from '../graph/parse';
import { RESUMABLE_STATUSES, type Run } from '../store/records';
import { exportToFile, importFromFile } from '../store/share';
import type { Workspace } from '../store/workspace';
import { dataImage } from './data-images';

function optimizerOf(run: Run): string | null {
  const config = (run.hyperParameters as { config?: { optimizer?: unknown } }).config;
  return typeof config?.optimizer === 'string' ? config.optimizer : null;
}

export class RunQueries {
  constructor(
    private readonly workspace: Workspace,
    private readonly isLive: (runId: number) => boolean,
  ) {}

  summary(run: Run, sweeps?: Map<number, { sweepId: number; index: number }>): RunSummary {
    const live = this.isLive(run.id);
    const trial = sweeps ? (sweeps.get(run.id) ?? null) : this.workspace.sweeps.trialOfRun(run.id);
    const sweep = trial ? { id: trial.sweepId, trial: trial.index + 1 } : null;
    return {
      id: run.id,
      name: run.name,
      experiment: run.experiment,
      status: run.status,
      statusDetail: run.statusDetail,
      startedAt: run.startedAt,
      endedAt: run.endedAt,
      wallMs: run.wallMs,
      bestValAccuracy: run.bestValAccuracy,
      optimizer: optimizerOf(run),
      backend: run.backend,
      dataset: run.dataset.name,
      lastStep: run.lastStep,
      lastEpoch: run.lastEpoch,
      live,
      resumable: !live && RESUMABLE_STATUSES.includes(run.status) && this.workspace.checkpoints.list(run.id).length > 0,
      sweep,
    };
  }

  list(): RunSummary[] {
    const sweeps = this.workspace.sweeps.runIndex();
    return this.workspace.runs.list().map((r) => this.summary(r, sweeps));
  }

  run(runId: number): Run {
    const run = Number.isInteger(runId) ? this.workspace.runs.get(runId) : null;
    if (!run) throw new Error(`no run with id ${JSON.stringify(runId)} in this workspace`);
    return run;
  }

  detail(runId: number): RunDetail {
    const run = this.run(runId);
    const ws = this.workspace;
    return {
      summary: this.summary(run),
      graph: parseGraphText(run.graphJson),
      hyperParameters: run.hyperParameters,
      steps: ws.series.steps(runId),
      epochs: ws.series.epochs(runId),
      evaluations: ws.evaluations.list(runId).map(({ step, split, accuracy, perClassAccuracy, confusion, misclassified }) => ({ step, split, accuracy, perClassAccuracy, confusion, misclassified })),
      checkpointSteps: ws.checkpoints.list(runId).map((c) => c.step),
    };
  }

  /** Renames a run within its experiment (refused when the experiment already has the name). */
  rename(runId: number, name: string): RunSummary {
    this.run(runId);
    if (typeof name !== 'string' || !name.trim()) throw new Error('renameRun: the name must not be empty');
    return this.summary(this.workspace.runs.rename(runId, name));
  }

  delete(runId: number): void {
    this.run(runId);
    if (this.isLive(runId)) throw new Error(`run ${runId} is training; stop it first`);
    this.workspace.runs.delete(runId);
  }

  export(runId: number, path: string): { path: string } {
    this.run(runId);
    if (typeof path !== 'string' || !path.trim()) throw new Error('exportRun: give the path of the file to write');
    exportToFile(this.workspace, { runId }, path);
    return { path };
  }

  import(path: string): RunImportResult {
    if (typeof path !== 'string' || !path.trim()) throw new Error('importRuns: give the path of an exported file');
    const result = importFromFile(this.workspace, path);
    return {
      runIds: result.runs.map((r) => r.id),
      message: `imported ${result.runs.length} run${result.runs.length === 1 ? '' : 's'} into experiment "${result.experiment}": ${result.runs.map((r) => r.name).join(', ')}`,
    };
  }

  /** The last few sources loaded for images (a gallery asks again for each run it opens). */
  private readonly sources = new Map<string, Promise<Dataset>>();
  private loaded(source: DataSourceSpec, split: 'train' | 'test'): Promise<Dataset> {
    const key = `${split}|${JSON.stringify(source)}`;
    let data = this.sources.get(key);
    if (!data) {
      data = loadDataSource(source, { split });
      data.catch(() => this.sources.delete(key));
      this.sources.set(key, data);
      if (this.sources.size > 2) this.sources.delete(this.sources.keys().next().value!);
    }
    return data;
  }

  /** Raw images of the run's data; 'test' is the split its evaluation used. */
  async images(runId: number, split: 'train' | 'test', indices: number[]): Promise<DataImage[]> {
    const run = this.run(runId);
    const stored = run.hyperParameters as { data?: DataSourceSpec; testData?: DataSourceSpec | null };
    if (stored.data === undefined) throw new Error(`run ${runId} does not say which data it trained on`);
    const source = split === 'test' && stored.testData ? stored.testData : stored.data;
    const data = await this.loaded(source, split);
    if (!Array.isArray(indices) || indices.length > 500) throw new Error('runImages: give at most 500 indices');
    return indices.map((i) => {
      if (!Number.isInteger(i) || i < 0 || i >= data.count) throw new Error(`runImages: instance ${i} is outside the ${data.count} of ${data.source}`);
      return dataImage(data, i);
    });
  }
}
