/** Vectors in parameter space (one backend tensor per parameter tensor) and their BLAS-1 algebra. */
import type { Tensor } from '../../compute/backend';
import type { Network, ParameterValues } from '../../engine/network';

export class ParameterSpace {
  constructor(private readonly network: Network) {}

  allocate(): Tensor[] {
    return this.network.parameters.map((p) => {
      const t = this.network.backend.allocate(p.length);
      this.network.backend.fill(t, 0);
      return t;
    });
  }

  dot(a: readonly Tensor[], b: readonly Tensor[]): number {
    let sum = 0;
    this.network.parameters.forEach((p, i) => (sum += this.network.backend.dot(a[i], b[i], p.length)));
    return sum;
  }

  /** y = alpha x + beta y */
  axpby(alpha: number, x: readonly Tensor[], beta: number, y: readonly Tensor[]): void {
    this.network.parameters.forEach((p, i) => this.network.backend.axpby(alpha, x[i], beta, y[i], p.length));
  }

  copy(src: readonly Tensor[], dst: readonly Tensor[]): void {
    this.network.parameters.forEach((p, i) => this.network.backend.copy(src[i], dst[i], p.length));
  }

  /** The values of a vector, tensor by tensor, named like the network's parameters. */
  read(a: readonly Tensor[]): ParameterValues[] {
    return this.network.parameters.map((p, i) => ({ layerId: p.layerId, name: p.name, rows: p.rows, cols: p.cols, values: this.network.backend.read(a[i], p.length) }));
  }

  write(dst: readonly Tensor[], values: readonly { values: ArrayLike<number> }[]): void {
    this.network.parameters.forEach((p, i) => {
      if (values[i].values.length !== p.length) throw new Error(`ParameterSpace.write: ${p.layerId}.${p.name} has ${p.length} values, got ${values[i].values.length}`);
      this.network.backend.write(dst[i], values[i].values);
    });
  }

  fill(a: readonly Tensor[], value: number): void {
    this.network.parameters.forEach((p, i) => this.network.backend.fill(a[i], value, p.length));
  }

  get values(): Tensor[] {
    return this.network.parameters.map((p) => p.value);
  }

  get gradients(): Tensor[] {
    return this.network.parameters.map((p) => p.grad);
  }
}
