/**
 * The network graph file: what the editor saves, the CLI reads and the store snapshots.
 * Documented for people in docs/formats.md; keep the two in step.
 */

export const GRAPH_FORMAT = 'cnnwb-graph';
export const GRAPH_FORMAT_VERSION = 1;

export type ActivationKind = 'relu' | 'leaky_relu' | 'tanh' | 'sigmoid' | 'linear';
export const ACTIVATION_KINDS: readonly ActivationKind[] = ['relu', 'leaky_relu', 'tanh', 'sigmoid', 'linear'];

export type PoolMode = 'max' | 'avg';
export type LossKind = 'squared' | 'softmax_ce';

export interface InputParams {
  /** d: channels */
  channels: number;
  /** a: height */
  height: number;
  /** b: width */
  width: number;
}

export interface ConvParams {
  /** d^{m+1}: number of filters (output channels) */
  filters: number;
  /** h: the filter is h x h */
  size: number;
  /** s */
  stride: number;
  /** p: zero padding on every side */
  padding: number;
  activation: ActivationKind;
  /** slope for leaky_relu when x < 0 */
  leak?: number;
}

export interface PoolParams {
  mode: PoolMode;
  /** q: the window is q x q */
  size: number;
  stride: number;
}

export interface ActivationParams {
  fn: ActivationKind;
  leak?: number;
}

export interface FullyConnectedParams {
  units: number;
  activation: ActivationKind;
  leak?: number;
}

export interface OutputParams {
  loss: LossKind;
  classes: number;
  /** The regularisation constant C of f = 1/(2C) theta^T theta + mean loss; null: no regulariser. */
  C: number | null;
}

interface NodeBase<K extends string, P> {
  id: string;
  name: string;
  kind: K;
  params: P;
  position: { x: number; y: number };
}

export type InputNode = NodeBase<'input', InputParams>;
export type ConvNode = NodeBase<'conv', ConvParams>;
export type PoolNode = NodeBase<'pool', PoolParams>;
export type ActivationNode = NodeBase<'activation', ActivationParams>;
export type FullyConnectedNode = NodeBase<'fc', FullyConnectedParams>;
export type OutputNode = NodeBase<'output', OutputParams>;

export type GraphNode = InputNode | ConvNode | PoolNode | ActivationNode | FullyConnectedNode | OutputNode;
export type NodeKind = GraphNode['kind'];
export const NODE_KINDS: readonly NodeKind[] = ['input', 'conv', 'pool', 'activation', 'fc', 'output'];

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
}

export interface GraphFile {
  format: typeof GRAPH_FORMAT;
  version: typeof GRAPH_FORMAT_VERSION;
  name: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** Parameters a new node of each kind starts with (the editor's palette uses these). */
export const DEFAULT_PARAMS: { [K in NodeKind]: Extract<GraphNode, { kind: K }>['params'] } = {
  input: { channels: 1, height: 28, width: 28 },
  conv: { filters: 32, size: 3, stride: 1, padding: 1, activation: 'relu' },
  pool: { mode: 'max', size: 2, stride: 2 },
  activation: { fn: 'relu' },
  fc: { units: 10, activation: 'linear' },
  output: { loss: 'squared', classes: 10, C: null },
};

export const DEFAULT_LEAK = 0.01;

const KIND_LABEL = new Map<string, string>([
  ['input', 'input'],
  ['conv', 'convolution'],
  ['pool', 'pooling'],
  ['activation', 'activation'],
  ['fc', 'fully connected'],
  ['output', 'output'],
]);

/** `convolution node "conv1"`: how messages name a node. */
export function nodeLabel(kind: string, name: string): string {
  return `${KIND_LABEL.get(kind) ?? kind} node "${name}"`;
}
