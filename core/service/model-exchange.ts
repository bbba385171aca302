/**
 * File > Export / Import for the app: the open graph with a run's (or the imported) weights to
 * ONNX or a PyTorch project, and an ONNX file back to a graph whose weights the service keeps
 * (in the workspace's drafts) for export and as a training run's initial weights. Built on
 * core/export's public API, as cli/commands/export.ts and import.ts are.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ExportModelRequest, ExportModelResult, GraphFile, ImportedWeightsInfo, ImportModelResult } from '../api/contract';
import { designFromJson, designToOnnx, designToTorch, importOnnx, OnnxImportError, type Design } from '../export/index';
import { parseGraph } from '../graph/parse';
import { buildModelFile, buildModelFromValues, loadModel, type ModelFile } from '../model/modelFile';
import { decodeTrainerCheckpoint } from '../store/trainingEvents';
import type { Workspace } from '../store/workspace';
import type { StoredParameter } from '../train/checkpoint';
import type { TrainingConfig } from '../train/config';
import type { DraftStore } from './draft-store';

const IMPORTED_KEY = 'models:imported';

interface StoredImport {
  info: ImportedWeightsInfo;
  model: ModelFile;
}

/** Weights that fit a graph, ready to start training from. */
export interface InitialWeights {
  initialParameters: StoredParameter[];
  preprocessing?: unknown;
}

function writeAtomic(path: string, contents: string | Uint8Array): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, contents);
  renameSync(temp, path);
}

function errorText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code ? `${err.code} (${err.message})` : err.message;
}

export class ModelExchange {
  constructor(
    private readonly drafts: DraftStore,
    private readonly workspace: Workspace | null,
  ) {}

  /** The last imported model, or null. */
  imported(): StoredImport | null {
    const text = this.drafts.load(IMPORTED_KEY);
    if (!text) return null;
    try {
      return JSON.parse(text) as StoredImport;
    } catch {
      return null;
    }
  }

  importedInfo(): ImportedWeightsInfo | null {
    return this.imported()?.info ?? null;
  }

  /** The graph with weights fitted to it (a model file), or the graph alone; throws saying what does not fit. */
  private design(graph: GraphFile, request: ExportModelRequest): { design: Design; weights: string; config?: TrainingConfig } {
    const source = request.weights ?? { kind: 'none' };
    if (source.kind === 'none' && request.format === 'onnx') throw new Error('ONNX needs weights: choose a run (its latest checkpoint) or the imported weights; PyTorch can export the graph alone');
    if (source.kind === 'none') return { design: designFromJson(graph), weights: 'no weights (the script initialises as the workbench does)' };
    if (source.kind === 'imported') {
      const stored = this.imported();
      if (!stored) throw new Error('no model has been imported yet');
      const model = { ...stored.model, graph };
      try {
        return { design: designFromJson(model), weights: `imported from ${stored.info.fileName}` };
      } catch (e) {
        throw new Error(`the weights imported from ${stored.info.fileName} do not fit the open graph: ${(e as Error).message}`);
      }
    }
    if (source.kind !== 'run') throw new Error(`exportModel: unknown weights source ${JSON.stringify(source)}`);
    if (!this.workspace) throw new Error('exportModel: this service has no workspace');
    const run = Number.isInteger(source.runId) ? this.workspace.runs.get(source.runId) : null;
    if (!run) throw new Error(`no run with id ${JSON.stringify(source.runId)} in this workspace`);
    const stored = this.workspace.checkpoints.latest(run.id);
    if (!stored) throw new Error(`run "${run.name}" has no checkpoint yet: nothing to export its weights from`);
    const checkpoint = decodeTrainerCheckpoint(stored);
    const hyper = run.hyperParameters as { preprocessing?: unknown; config?: TrainingConfig };
    let model: ModelFile;
    try {
      model = buildModelFromValues(graph, checkpoint.parameters, hyper.preprocessing ? { preprocessing: hyper.preprocessing } : {});
      return { design: designFromJson(model), weights: `run "${run.name}", checkpoint at step ${checkpoint.step}`, config: hyper.config };
    } catch (e) {
      throw new Error(`the weights of run "${run.name}" do not fit the open graph: ${(e as Error).message}`);
    }
  }

  exportModel(request: ExportModelRequest): ExportModelResult {
    if (!request || typeof request !== 'object') throw new Error('exportModel: give {format, graph, weights, path}');
    if (request.format !== 'onnx' && request.format !== 'pytorch') throw new Error(`exportModel: format must be onnx or pytorch, got ${JSON.stringify(request.format)}`);
    if (request.path === null) return { status: 'cancelled' };
    if (typeof request.path !== 'string' || !request.path.trim()) throw new Error('exportModel: path must be a non-empty string');
    const path = request.path;
    let graph: GraphFile;
    let made: ReturnType<ModelExchange['design']>;
    let files: Map<string, string | Uint8Array>;
    try {
      graph = parseGraph(request.graph);
      made = this.design(graph, request);
      files = request.format === 'onnx' ? new Map([['', designToOnnx(made.design)]]) : designToTorch(made.design, made.config);
    } catch (e) {
      return { status: 'error', message: `not exported: ${request.format === 'onnx' ? 'ONNX' : 'PyTorch'} from "${request.graph?.name ?? 'graph'}": ${(e as Error).message}` };
    }
    const written: string[] = [];
    try {
      if (request.format === 'onnx') {
        writeAtomic(path, files.get('')!);
        written.push(path);
      } else {
        mkdirSync(path, { recursive: true });
        for (const [name, contents] of files) {
          writeAtomic(join(path, name), contents);
          written.push(join(path, name));
        }
      }
    } catch (e) {
      return { status: 'error', message: `${path}: cannot be written: ${errorText(e)}` };
    }
    return { status: 'exported', format: request.format, path, files: written, weights: made.weights };
  }

  /** All or nothing: on any problem nothing is kept and the result lists every node at fault. */
  importModel(path: string): ImportModelResult {
    const fileName = basename(path);
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(path);
    } catch (e) {
      return { status: 'error', fileName, message: `${path}: cannot be read: ${errorText(e)}`, problems: [] };
    }
    let imported;
    try {
      imported = importOnnx(bytes, fileName);
    } catch (e) {
      if (e instanceof OnnxImportError) return { status: 'error', fileName, message: e.message, problems: e.problems.map(({ node, opType, problem }) => ({ node, opType, problem })) };
      return { status: 'error', fileName, message: `${fileName}: not imported: ${(e as Error).message}`, problems: [] };
    }
    const { model, parameters } = imported;
    const file = buildModelFile(model.graph, parameters, model.preprocessing ? { preprocessing: model.preprocessing } : {});
    const info: ImportedWeightsInfo = {
      fileName,
      graphName: model.graph.name,
      layers: parameters.length / 2,
      parameterCount: parameters.reduce((n, p) => n + p.values.length, 0),
      preprocessing: !!model.preprocessing,
    };
    this.drafts.save(IMPORTED_KEY, JSON.stringify({ info, model: file } satisfies StoredImport));
    return { status: 'imported', graph: model.graph, path, fileName, weights: info };
  }

  /** The imported weights (and preprocessing) for a training run of graph; throws saying what does not fit. */
  initialWeights(graph: GraphFile): InitialWeights {
    const stored = this.imported();
    if (!stored) throw new Error('startTraining: no model has been imported, so there are no imported weights to start from');
    let loaded;
    try {
      loaded = loadModel({ ...stored.model, graph });
    } catch (e) {
      throw new Error(`startTraining: the weights imported from ${stored.info.fileName} do not fit this graph: ${(e as Error).message}`);
    }
    return {
      initialParameters: loaded.parameters.map((p) => ({ layerId: p.layerId, name: p.name as 'W' | 'b', values: Array.from(p.values) })),
      ...(stored.model.preprocessing ? { preprocessing: stored.model.preprocessing } : {}),
    };
  }
}
