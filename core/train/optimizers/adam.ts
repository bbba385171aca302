/**
 * Adam (Kingma and Ba): m <- b1 m + (1-b1) g, v <- b2 v + (1-b2) g^2,
 * theta <- theta - lr_t (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps), with g including theta/C and
 * lr_t = lr / (1 + decay t).
 * The update runs on the host over the parameters (small next to the layer work); every buffer,
 * the host copies of the gradient and the values included, is allocated once.
 */
import type { Tensor } from '../../compute/backend';
import type { Network } from '../../engine/network';
import type { AdamSettings } from '../config';
import type { Batch, Optimizer, OptimizerState, StepResult } from './optimizer';

export class AdamOptimizer implements Optimizer {
  readonly name = 'adam';
  private readonly m: Float64Array[];
  private readonly v: Float64Array[];
  private readonly theta: Float64Array[];
  /** Host copies of the gradient and the current values, read into every step. */
  private readonly g: Float64Array[];
  private readonly current: Float64Array[];

  constructor(
    private readonly settings: AdamSettings,
    network: Network,
  ) {
    this.m = network.parameters.map((p) => new Float64Array(p.length));
    this.v = network.parameters.map((p) => new Float64Array(p.length));
    this.theta = network.parameters.map((p) => new Float64Array(p.length));
    this.g = network.parameters.map((p) => new Float64Array(p.length));
    this.current = network.parameters.map((p) => new Float64Array(p.length));
  }

  step(network: Network, batch: Batch, t: number): StepResult {
    const value = network.objectiveAndGradient(batch.x, batch.labels, batch.count);
    const { beta1, beta2, epsilon } = this.settings;
    const lr = this.settings.lr / (1 + this.settings.decay * t);
    const k = t + 1;
    const c1 = 1 - beta1 ** k;
    const c2 = 1 - beta2 ** k;
    const be = network.backend;
    network.parameters.forEach((p, i) => {
      const g = this.g[i];
      const current = this.current[i];
      be.readInto(p.grad, g);
      be.readInto(p.value, current);
      const m = this.m[i];
      const v = this.v[i];
      const theta = this.theta[i];
      for (let j = 0; j < p.length; j++) {
        m[j] = beta1 * m[j] + (1 - beta1) * g[j];
        v[j] = beta2 * v[j] + (1 - beta2) * g[j] * g[j];
        theta[j] = current[j] - (lr * (m[j] / c1)) / (Math.sqrt(v[j] / c2) + epsilon);
      }
      be.write(p.value, theta);
    });
    return { ...value, lr };
  }

  lastGradient(network: Network): readonly Tensor[] {
    return network.parameters.map((p) => p.grad);
  }

  getState(): OptimizerState {
    return { m: this.m.map((a) => Array.from(a)), v: this.v.map((a) => Array.from(a)) };
  }

  setState(state: OptimizerState): void {
    (state.m as number[][]).forEach((a, i) => this.m[i].set(a));
    (state.v as number[][]).forEach((a, i) => this.v[i].set(a));
  }
}
