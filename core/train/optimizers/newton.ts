/**
 * simpleNN's subsampled Gauss-Newton Newton method. One step on a batch (by default the whole
 * training set):
 *   1. f and g = grad f on the batch;
 *   2. d from conjugate gradient on ((lambda + 1/C) I + G_S) d = -g, with G_S the Gauss-Newton
 *      matrix of a random subsample S (a fraction of the batch);
 *   3. backtracking line search: the largest alpha in 1, 1/2, 1/4, ... with
 *      f(theta + alpha d) <= f(theta) + eta alpha g^T d (Armijo);
 *   4. Levenberg-Marquardt: rho = actual / predicted reduction, with the predicted one from the
 *      quadratic model alpha g^T d + alpha^2/2 d^T (G_S + I/C) d; lambda x3/2 if rho < 0.25,
 *      x2/3 if rho > 0.75.
 */
import type { Tensor } from '../../compute/backend';
import type { Network } from '../../engine/network';
import { Random, type RandomState } from '../../util/random';
import type { NewtonSettings } from '../config';
import { conjugateGradient } from './conjugateGradient';
import { GaussNewtonOperator } from './gaussNewton';
import type { Batch, Optimizer, OptimizerState, StepResult } from './optimizer';
import { ParameterSpace } from './parameterVectors';

export interface NewtonStepInfo {
  cgIterations: number;
  alpha: number;
  lambda: number;
  rho: number;
  lineSearchSteps: number;
}

const MAX_LINE_SEARCH_STEPS = 20;

export class NewtonOptimizer implements Optimizer {
  readonly name = 'newton';
  private lambda: number;
  private readonly random: Random;
  private readonly space: ParameterSpace;
  private readonly vectors: { g: Tensor[]; d: Tensor[]; r: Tensor[]; p: Tensor[]; Ap: Tensor[]; thetaOld: Tensor[] };
  private subsampleX: Float32Array | null = null;
  private subsampleLabels: Int32Array | null = null;
  private indexPool: Int32Array | null = null;
  /** What the last step did (for the UI and tests). */
  lastStep: NewtonStepInfo | null = null;

  constructor(
    private readonly settings: NewtonSettings,
    private readonly network: Network,
    seed: number,
  ) {
    this.lambda = settings.lambda;
    this.random = new Random(seed ^ 0x5eed);
    this.space = new ParameterSpace(network);
    const s = this.space;
    this.vectors = { g: s.allocate(), d: s.allocate(), r: s.allocate(), p: s.allocate(), Ap: s.allocate(), thetaOld: s.allocate() };
  }

  /** A random subsample of the batch (a partial Fisher-Yates shuffle), copied into buffers kept between steps. */
  private drawSubsample(batch: Batch): Batch {
    const size = this.network.inputSize;
    const count = Math.max(1, Math.min(batch.count, Math.ceil(this.settings.subsampleFraction * batch.count)));
    if (!this.subsampleX || this.subsampleLabels!.length !== count) {
      this.subsampleX = new Float32Array(count * size);
      this.subsampleLabels = new Int32Array(count);
    }
    if (!this.indexPool || this.indexPool.length !== batch.count) this.indexPool = new Int32Array(batch.count);
    const pool = this.indexPool;
    for (let i = 0; i < pool.length; i++) pool[i] = i;
    for (let j = 0; j < count; j++) {
      const k = j + this.random.int(pool.length - j);
      const i = pool[k];
      pool[k] = pool[j];
      pool[j] = i;
      this.subsampleX.set(batch.x.subarray(i * size, (i + 1) * size), j * size);
      this.subsampleLabels![j] = batch.labels[i];
    }
    return { x: this.subsampleX, labels: this.subsampleLabels!, count };
  }

  step(network: Network, batch: Batch, _t: number): StepResult {
    const { g, d, r, p, Ap, thetaOld } = this.vectors;
    const space = this.space;
    const value = network.objectiveAndGradient(batch.x, batch.labels, batch.count);
    space.copy(space.gradients, g);

    const C = network.spec.C;
    const shift = this.lambda + (C === null ? 0 : 1 / C);
    const G = new GaussNewtonOperator(network, this.drawSubsample(batch));
    const applyA = (v: Tensor[], out: Tensor[]) => {
      G.apply(v, out);
      space.axpby(shift, v, 1, out);
    };
    // Solve A d = g (residual r = g - A d), then flip d: A d = -g + r.
    const cg = conjugateGradient(space, applyA, g, d, { r, p, Ap }, this.settings.cgTolerance, this.settings.cgMaxIterations);
    space.axpby(0, d, -1, d);

    const gd = space.dot(g, d);
    const dAd = -gd + space.dot(d, r);
    const dd = space.dot(d, d);
    const dModel = dAd - this.lambda * dd; // d^T (G_S + I/C) d

    space.copy(space.values, thetaOld);
    let alpha = 1;
    let accepted: ReturnType<Network['evaluate']> | null = null;
    let tries = 0;
    while (tries < MAX_LINE_SEARCH_STEPS) {
      tries++;
      space.copy(thetaOld, space.values);
      space.axpby(alpha, d, 1, space.values);
      const trial = network.evaluate(batch.x, batch.labels, batch.count);
      if (Number.isFinite(trial.f) && trial.f <= value.f + this.settings.armijo * alpha * gd) {
        accepted = trial;
        break;
      }
      alpha /= 2;
    }
    let rho = 0;
    if (!accepted) {
      space.copy(thetaOld, space.values);
      this.lambda *= 1.5;
      alpha = 0;
    } else {
      const predicted = alpha * gd + 0.5 * alpha * alpha * dModel;
      rho = (accepted.f - value.f) / predicted;
      if (rho < 0.25) this.lambda *= 1.5;
      else if (rho > 0.75) this.lambda *= 2 / 3;
    }
    this.lastStep = { cgIterations: cg.iterations, alpha, lambda: this.lambda, rho, lineSearchSteps: tries };
    return { ...value, lr: alpha };
  }

  lastGradient(): readonly Tensor[] {
    return this.vectors.g;
  }

  getState(): OptimizerState {
    return { lambda: this.lambda, random: this.random.getState() };
  }

  setState(state: OptimizerState): void {
    this.lambda = state.lambda as number;
    this.random.setState(state.random as RandomState);
  }
}
