import type { Tensor } from '../../compute/backend';
import type { Network, ObjectiveValue } from '../../engine/network';

/** A batch in host memory: count instances in vec layout and their labels. */
export interface Batch {
  x: Float32Array;
  labels: Int32Array;
  count: number;
}

export interface StepResult extends ObjectiveValue {
  /** The step size used (learning rate, or the line search's alpha for Newton). */
  lr: number;
}

/** What an optimizer needs saved to continue exactly (plain data: numbers and number arrays). */
export type OptimizerState = Record<string, unknown>;

export interface Optimizer {
  readonly name: string;
  /**
   * One update of the network's parameters from the batch (the optimizer computes what it needs:
   * the gradient, and for Newton also Gauss-Newton products). t counts updates from 0.
   */
  step(network: Network, batch: Batch, t: number): StepResult;
  /** The gradient of f the last step computed (one tensor per parameter), for statistics. */
  lastGradient(network: Network): readonly Tensor[];
  getState(): OptimizerState;
  setState(state: OptimizerState): void;
}
