/**
 * The subsampled Gauss-Newton product of simpleNN's Newton method:
 *
 *   G_S v = (1/|S|) sum_{i in S} J_i^T B_i J_i v
 *
 * J_i v comes from the forward-mode pass (Network.forwardR), B_i = d^2 xi / dz^2 is applied on the
 * host to the small output (loss.ts), and J_i^T u is the ordinary backward pass from u.
 */
import type { FloatArray, Tensor } from '../../compute/backend';
import { lossCurvatureProduct } from '../../engine/loss';
import type { Network } from '../../engine/network';
import type { Batch } from './optimizer';
import { ParameterSpace } from './parameterVectors';

export class GaussNewtonOperator {
  private readonly space: ParameterSpace;
  private readonly scores: FloatArray;
  private readonly u: Float64Array;
  /** True when the subsample fits one chunk: its forward pass is done once and kept. */
  private readonly singleChunk: boolean;

  constructor(
    private readonly network: Network,
    private readonly subsample: Batch,
  ) {
    this.space = new ParameterSpace(network);
    this.singleChunk = subsample.count <= network.capacity;
    this.scores = new Float64Array(network.classes * Math.min(subsample.count, network.capacity));
    this.u = new Float64Array(this.scores.length);
    if (this.singleChunk) this.scores.set(network.scores(subsample.x, subsample.count));
  }

  /** out = G_S v. Overwrites the network's gradient tensors. */
  apply(v: readonly Tensor[], out: readonly Tensor[]): void {
    const net = this.network;
    const { x, count } = this.subsample;
    const classes = net.classes;
    for (let start = 0; start < count; start += net.capacity) {
      const n = Math.min(net.capacity, count - start);
      if (!this.singleChunk) this.scores.set(net.scores(x.subarray(start * net.inputSize, (start + n) * net.inputSize), n));
      const Jv = net.backend.read(net.forwardR(v, n), classes * n);
      const u = n * classes === this.u.length ? this.u : this.u.subarray(0, n * classes);
      lossCurvatureProduct(net.spec.loss, this.scores, Jv, n, classes, 1 / count, u);
      net.backend.write(net.outputGradient, u);
      net.backward(net.outputGradient, n, start > 0);
    }
    this.space.copy(this.space.gradients, out);
  }
}
