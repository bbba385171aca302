/**
 * SGD with momentum and learning-rate decay in simpleNN's form, on the device:
 *   lr_t = lr / (1 + decay t),   v <- mu v - lr_t (g + theta/C),   theta <- theta + v
 * (the network's gradient already includes theta/C).
 */
import type { Tensor } from '../../compute/backend';
import type { Network } from '../../engine/network';
import type { SgdSettings } from '../config';
import type { Batch, Optimizer, OptimizerState, StepResult } from './optimizer';

export class SgdOptimizer implements Optimizer {
  readonly name = 'sgd';
  private velocity: Tensor[] | null = null;

  constructor(
    private readonly settings: SgdSettings,
    private readonly network: Network,
  ) {}

  private velocities(): Tensor[] {
    if (!this.velocity) {
      const be = this.network.backend;
      this.velocity = this.network.parameters.map((p) => {
        const v = be.allocate(p.length);
        be.fill(v, 0);
        return v;
      });
    }
    return this.velocity;
  }

  step(network: Network, batch: Batch, t: number): StepResult {
    const value = network.objectiveAndGradient(batch.x, batch.labels, batch.count);
    const lr = this.settings.lr / (1 + this.settings.decay * t);
    const be = network.backend;
    const velocity = this.velocities();
    network.parameters.forEach((p, i) => {
      be.axpby(-lr, p.grad, this.settings.momentum, velocity[i], p.length);
      be.axpby(1, velocity[i], 1, p.value, p.length);
    });
    return { ...value, lr };
  }

  lastGradient(network: Network): readonly Tensor[] {
    return network.parameters.map((p) => p.grad);
  }

  getState(): OptimizerState {
    return { velocity: this.velocities().map((v, i) => Array.from(this.network.backend.read(v, this.network.parameters[i].length))) };
  }

  setState(state: OptimizerState): void {
    const velocity = state.velocity as number[][];
    this.velocities().forEach((v, i) => this.network.backend.write(v, velocity[i]));
  }
}
