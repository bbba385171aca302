/**
 * What an export starts from: a model file (graph + weights + preprocessing) or a bare graph file
 * (only the PyTorch script can do without weights), told apart by their format tag.
 */
import { compileGraph, type NetworkSpec } from '../graph/compile';
import { parseGraph } from '../graph/parse';
import { loadModel, ModelFormatError, type LoadedModel } from '../model/modelFile';
import { exportOnnx, type OnnxExportOptions } from './onnxExport';
import { exportTorch } from './torchExport';
import type { TrainingConfig } from '../train/config';

export interface Design {
  spec: NetworkSpec;
  graphName: string;
  /** Present for a model file. */
  loaded?: LoadedModel;
}

/** Reads a parsed model or graph file; throws GraphFormatError / ModelFormatError naming the place. */
export function designFromJson(raw: unknown): Design {
  if (typeof raw === 'object' && raw !== null && (raw as { format?: unknown }).format === 'cnnwb-graph') {
    const graph = parseGraph(raw);
    const compiled = compileGraph(graph);
    if (!compiled.ok) throw new ModelFormatError('graph', compiled.errors.map((e) => e.message).join('; '));
    return { spec: compiled.network!, graphName: graph.name };
  }
  const loaded = loadModel(raw);
  return { spec: loaded.spec, graphName: loaded.model.graph.name, loaded };
}

export class ExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportError';
  }
}

/** The .onnx bytes of a design; it must carry weights. */
export function designToOnnx(design: Design, options: OnnxExportOptions = {}): Uint8Array {
  if (!design.loaded) throw new ExportError('is a graph without weights: ONNX export needs a model file (cnnwb init or a trained model)');
  return exportOnnx(design.loaded, options);
}

/** The PyTorch project of a design: file name -> contents (train.py, and weights.json/.bin with weights). */
export function designToTorch(design: Design, config?: TrainingConfig, dataDir?: string): Map<string, string | Uint8Array> {
  return exportTorch({ spec: design.spec, graphName: design.graphName, model: design.loaded, config, dataDir });
}
