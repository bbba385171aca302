/**
 * The memory a compiled network needs, computed from its shapes before anything is allocated, so an
 * oversized graph (100000 filters, an FC of a million units, padding 100000) is refused with one line
 * naming the node instead of failing gigabytes later. It follows what the engine allocates
 * (core/engine: every buffer is planned once for `chunk` instances) and what training adds
 * (core/train: the batch buffer, the trainer's parameter copies, the optimiser's state):
 *
 *   affine layer (conv, fc)  W, b and their gradients; sigma(S) and R{S} (out x chunk);
 *                            phi(pad(Z)) and W^T dxi/dS (h h d x P x chunk; for an fc only the
 *                            second, n x chunk); dxi/dZ (conv); the index maps P_pad, P_phi and
 *                            P_phi P_pad (int32) and the backend's copy of the last
 *   pooling                  output, R{output}, dxi/dZ, argmax (max pooling), the window map
 *   activation               output and R{output}
 *   network                  input, dxi/dz^{L+1} (chunk), and two float64 host copies of the scores
 *   training                 the batch (float32 images, int32 labels), the trainer's two parameter
 *                            copies (four with weight averaging) and the optimiser's state: SGD one
 *                            velocity, Adam five float64 vectors, Newton six vectors plus its
 *                            subsample
 *
 * The data set itself is not counted. Pure arithmetic, no Node imports: the editor uses it too.
 */
import type { LayerSpec, NetworkSpec } from './compile';
import { shapeSize } from './shape';

export type MemoryOptimizer = 'sgd' | 'adam' | 'newton';

export interface MemoryOptions {
  /** Instances per update step (the batch size; Newton's gradient batch). Default 128. */
  batch?: number;
  /** Instances per forward/backward chunk (the network's batchCapacity). Default min(batch, 256), as training does. */
  chunk?: number;
  /** Bytes of one value on the backend: 4 (float32, the default backends) or 8 (the float64 reference). */
  bytesPerValue?: 4 | 8;
  /** Add what training allocates beyond the network; null: the network alone (inference, `cnnwb grad`). Default 'sgd'. */
  optimizer?: MemoryOptimizer | null;
  /** Weight averaging keeps two more parameter copies. */
  averaging?: boolean;
  /** Newton's subsample fraction (default 0.05). */
  subsampleFraction?: number;
}

export interface NodeMemory {
  nodeId: string;
  name: string;
  bytes: number;
}

export interface MemoryEstimate {
  /** Everything together, in bytes. */
  bytes: number;
  batch: number;
  chunk: number;
  /** Per layer node, in chain order. */
  layers: NodeMemory[];
  /** The network's own input and output buffers. */
  networkBytes: number;
  /** What training adds: batch buffer, parameter copies, optimiser state (0 for the network alone). */
  trainingBytes: number;
  parameterCount: number;
}

const INT32 = 4;
const FLOAT64 = 8;

/** Bytes one layer's engine object allocates for `chunk` instances (backend values of `v` bytes). */
function layerBytes(l: LayerSpec, chunk: number, v: number): number {
  const inSize = shapeSize(l.inShape);
  const outSize = shapeSize(l.outShape);
  switch (l.kind) {
    case 'conv': {
      const K = l.size * l.size * l.inShape.d;
      const P = l.outShape.a * l.outShape.b;
      const params = l.filters * K + l.filters;
      const padMap = l.inShape.d * (l.inShape.a + 2 * l.padding) * (l.inShape.b + 2 * l.padding);
      const patchMaps = 3 * K * P; // P_phi, P_phi P_pad, and the backend's copy of the latter
      return v * (2 * params + 2 * outSize * chunk + 2 * K * P * chunk + inSize * chunk) + INT32 * (padMap + patchMaps);
    }
    case 'fc': {
      const params = l.units * inSize + l.units;
      return v * (2 * params + 2 * outSize * chunk + inSize * chunk);
    }
    case 'pool': {
      const windowMap = 2 * outSize * l.size * l.size; // built on the host, copied by the backend
      return v * (2 * outSize * chunk + inSize * chunk) + INT32 * ((l.mode === 'max' ? outSize * chunk : 0) + windowMap);
    }
    case 'activation':
      return v * 2 * outSize * chunk;
  }
}

export function estimateMemory(spec: NetworkSpec, options: MemoryOptions = {}): MemoryEstimate {
  const batch = Math.max(1, Math.floor(options.batch ?? 128));
  const chunk = Math.max(1, Math.floor(options.chunk ?? Math.min(batch, 256)));
  const v = options.bytesPerValue ?? 4;
  const optimizer = options.optimizer === undefined ? 'sgd' : options.optimizer;
  const inputSize = shapeSize(spec.input);
  const layers = spec.layers.map((l) => ({ nodeId: l.nodeId, name: l.name, bytes: layerBytes(l, chunk, v) }));
  let parameterCount = 0;
  for (const l of spec.layers) {
    if (l.kind === 'conv') parameterCount += l.filters * (l.size * l.size * l.inShape.d + 1);
    if (l.kind === 'fc') parameterCount += l.units * (shapeSize(l.inShape) + 1);
  }
  const networkBytes = v * (inputSize + spec.classes) * chunk + 2 * FLOAT64 * spec.classes * chunk;
  let trainingBytes = 0;
  if (optimizer !== null) {
    const batchBuffer = 4 * inputSize * batch + INT32 * 2 * batch; // images, labels, the drawn indices
    const copies = (options.averaging ? 4 : 2) * v * parameterCount;
    let state = 0;
    if (optimizer === 'sgd') state = v * parameterCount;
    if (optimizer === 'adam') state = 5 * FLOAT64 * parameterCount;
    if (optimizer === 'newton') {
      const sub = Math.max(1, Math.ceil((options.subsampleFraction ?? 0.05) * batch));
      state = 6 * v * parameterCount + 4 * inputSize * sub + INT32 * (sub + batch) + 2 * FLOAT64 * spec.classes * Math.min(sub, chunk);
    }
    trainingBytes = batchBuffer + copies + state;
  }
  const bytes = networkBytes + trainingBytes + layers.reduce((n, l) => n + l.bytes, 0);
  return { bytes, batch, chunk, layers, networkBytes, trainingBytes, parameterCount };
}

/** "1.5 GB", "820 MB", "12 kB": decimal units, two or three significant digits. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let u = 0;
  while (value >= 1000 && u < units.length - 1) {
    value /= 1000;
    u++;
  }
  return u === 0 ? `${Math.round(value)} bytes` : `${value >= 100 ? Math.round(value) : value.toPrecision(2)} ${units[u]}`;
}

/** The node that needs the most memory (null for a network without layers). */
export function largestNode(estimate: MemoryEstimate): NodeMemory | null {
  return estimate.layers.reduce<NodeMemory | null>((best, l) => (!best || l.bytes > best.bytes ? l : best), null);
}

/** A graph that needs more memory than the limit: one line naming the node and the bytes. */
export class MemoryLimitError extends Error {
  constructor(
    readonly nodeId: string | null,
    message: string,
  ) {
    super(message);
    this.name = 'MemoryLimitError';
  }
}

/**
 * Why the estimate does not fit under `limit` bytes, as a sentence naming the bytes of the node
 * that needs the most (its id in nodeId), or null when it fits.
 */
export function memoryProblem(estimate: MemoryEstimate, limit: number, limitName = 'the memory limit'): { nodeId: string | null; message: string } | null {
  if (!(estimate.bytes > limit)) return null;
  const node = largestNode(estimate);
  const what = `${estimate.trainingBytes > 0 ? 'training needs' : 'the network needs'} about ${formatBytes(estimate.bytes)} at batch ${estimate.batch}`;
  const where = node ? `, ${formatBytes(node.bytes)} of it for this node` : '';
  return { nodeId: node?.nodeId ?? null, message: `${what}${where}: more than ${limitName} of ${formatBytes(limit)}` };
}

/** "8G", "512M", "1.5GB", "2e9" (bytes), "8GiB" -> bytes; null when it is not a size. */
export function parseByteSize(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?(?:e\d+)?)\s*([kmgt]?)(i?)b?\s*$/i.exec(text);
  if (!m) return null;
  const power = ' kmgt'.indexOf(m[2].toLowerCase() || ' ');
  const bytes = Number(m[1]) * (m[3] ? 1024 : 1000) ** power;
  return Number.isFinite(bytes) && bytes > 0 ? Math.floor(bytes) : null;
}
