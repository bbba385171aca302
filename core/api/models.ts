/** Moving a design in and out of the workbench through the contract: ONNX and PyTorch (core/export). */
import type { GraphFile } from '../graph/format';

export type ModelExportFormat = 'onnx' | 'pytorch';

/** Where exported weights come from: a run's latest checkpoint (with its preprocessing), the last imported model, or none. */
export type ModelWeightsSource = { kind: 'run'; runId: number } | { kind: 'imported' } | { kind: 'none' };

export interface ExportModelRequest {
  format: ModelExportFormat;
  /** The open graph; the weights must fit it (same layers and shapes). */
  graph: GraphFile;
  weights: ModelWeightsSource;
  /** ONNX: the .onnx file; PyTorch: the folder (created when missing). null asks with a native dialog (Electron only, else 'cancelled'). */
  path: string | null;
}

export type ExportModelResult =
  | { status: 'exported'; format: ModelExportFormat; path: string; files: string[]; weights: string }
  | { status: 'cancelled' }
  | { status: 'error'; message: string };

/** What the service keeps of the last imported model (its weights stay in the workspace, not in the document). */
export interface ImportedWeightsInfo {
  fileName: string;
  graphName: string;
  layers: number;
  parameterCount: number;
  preprocessing: boolean;
}

export interface ModelImportProblem {
  node: string;
  opType: string;
  problem: string;
}

/** Importing an ONNX file gives its graph (and keeps its weights), or says why not; the document is untouched on error. */
export type ImportModelResult =
  | { status: 'imported'; graph: GraphFile; path: string; fileName: string; weights: ImportedWeightsInfo }
  | { status: 'cancelled' }
  | { status: 'error'; fileName: string; message: string; problems: ModelImportProblem[] };
