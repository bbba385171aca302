/** Looking inside a network through the contract (core/inspect as JSON). */
import type { GraphFile } from '../graph/format';
import type { DataSpec } from './training';

/** Whose weights: a stored run's latest checkpoint, or the seeded He initialisation (runId null). */
export interface InspectTarget {
  graph: GraphFile;
  runId: number | null;
  data: DataSpec;
  /** A checkpoint of the run other than the latest (a step of RunDetail.checkpointSteps). */
  checkpointStep?: number | null;
}

export interface GradientProbeResult {
  kind: 'coordinate' | 'direction';
  /** The step that gave this figure (epsilon / 10 or / 100 after a retry: see core/inspect/gradientCheck.ts). */
  epsilon: number;
  index: number | null;
  analytic: number;
  numeric: number;
  relativeError: number;
}

export interface GradientCheckResult {
  nodeId: string;
  batchSize: number;
  epsilon: number;
  f: number;
  tensors: { name: 'W' | 'b'; rows: number; cols: number; probes: GradientProbeResult[]; maxRelativeError: number }[];
  relativeError: number;
  /** Where the weights came from, for the UI ("run 3, step 120" or "He init, seed 1"). */
  weights: string;
  ms: number;
}

export interface MatrixData {
  rows: number;
  cols: number;
  values: number[];
}

export interface VectorFormData {
  nodeId: string;
  name: string;
  sizes: { d: number; a: number; b: number; p: number; h: number; s: number; aPad: number; bPad: number; aConv: number; bConv: number; dNext: number };
  Z: MatrixData;
  padZ: MatrixData;
  phiPadZ: MatrixData;
  W: MatrixData;
  b: MatrixData;
  S: MatrixData;
  dS: MatrixData;
  dW: MatrixData;
  db: MatrixData;
  padIndexMap: number[];
  patchIndexMap: number[];
  loss: number;
  label: number;
  sample: number;
  weights: string;
}

export interface LayerActivationData {
  nodeId: string;
  name: string;
  kind: string;
  d: number;
  a: number;
  b: number;
  values: number[];
}

export interface NetworkInspection {
  sample: number;
  label: number;
  predicted: number;
  activations: LayerActivationData[];
  deadUnits: { nodeId: string; units: number; dead: number; fraction: number; batchSize: number }[];
  filters: { nodeId: string; count: number; h: number; d: number; filters: number[][] }[];
  weights: string;
}

export interface HistogramData {
  edges: number[];
  counts: number[];
}

export interface GradientFlowData {
  steps: number[];
  layers: { layerId: string; norms: Record<'dW' | 'db' | 'W' | 'b', (number | null)[]>; histograms: Record<'dW' | 'db' | 'W' | 'b', (HistogramData | null)[]> }[];
  warnings: { layerId: string; kind: 'vanishing' | 'exploding'; message: string }[][];
  thresholds: { vanishingRatio: number; explodingRatio: number; deadReluFraction: number };
}
