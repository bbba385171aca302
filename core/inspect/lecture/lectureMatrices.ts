/** Building BuiltMatrix values, and the TeX pieces several steps share. */
import type { ActivationKind } from '../../graph/format';
import type { Shape } from '../../graph/shape';
import type { BuiltMatrix } from './builtStep';

export function matrix(key: string, tex: string, rows: number, cols: number, values: ArrayLike<number>, spatial?: Shape): BuiltMatrix {
  if (values.length !== rows * cols) throw new Error(`lecture: ${key} is ${rows}x${cols} and needs ${rows * cols} values, got ${values.length}`);
  const m: BuiltMatrix = { key, tex, rows, cols, values: Array.from(values) };
  if (spatial && spatial.a * spatial.b > 1) m.spatial = { d: spatial.d, a: spatial.a, b: spatial.b };
  return m;
}

/** An activation of shape d x a x b as the d x (a b) matrix Z (a vector of n values: n x 1). */
export function activation(key: string, tex: string, shape: Shape, values: ArrayLike<number>): BuiltMatrix {
  return matrix(key, tex, shape.d, shape.a * shape.b, values, shape);
}

/** dxi/d(symbol), TeX. */
export function grad(symbol: string): string {
  return `\\frac{\\partial \\xi}{\\partial ${symbol}}`;
}

/** sigma as the layer uses it, TeX. */
export function sigmaDefinition(kind: ActivationKind, leak: number): string {
  switch (kind) {
    case 'relu':
      return '\\sigma(x) = \\max(x, 0)';
    case 'leaky_relu':
      return `\\sigma(x) = \\max(x, ${leak}\\,x)`;
    case 'tanh':
      return '\\sigma(x) = \\tanh x';
    case 'sigmoid':
      return '\\sigma(x) = 1 / (1 + e^{-x})';
    case 'linear':
      return '\\sigma(x) = x';
  }
}

/** sigma' written from sigma(x), as the engine computes it. */
export function sigmaPrimeDefinition(kind: ActivationKind, leak: number): string {
  switch (kind) {
    case 'relu':
      return "\\sigma'(x) = [\\sigma(x) > 0]";
    case 'leaky_relu':
      return `\\sigma'(x) = 1 \\text{ where } \\sigma(x) > 0, \\text{ else } ${leak}`;
    case 'tanh':
      return "\\sigma'(x) = 1 - \\sigma(x)^2";
    case 'sigmoid':
      return "\\sigma'(x) = \\sigma(x)(1 - \\sigma(x))";
    case 'linear':
      return "\\sigma'(x) = 1";
  }
}

/** Entry j of the result reads source[map[j]], or 0 where map[j] = -1 (P applied as a gather). */
export function gather(source: ArrayLike<number>, map: ArrayLike<number>): Float64Array {
  const out = new Float64Array(map.length);
  for (let j = 0; j < map.length; j++) out[j] = map[j] >= 0 ? source[map[j]] : 0;
  return out;
}

/** The transpose of gather: out[map[j]] += values[j] (P^T applied as a scatter-add). */
export function scatterAdd(values: ArrayLike<number>, map: ArrayLike<number>, sourceLength: number): Float64Array {
  const out = new Float64Array(sourceLength);
  for (let j = 0; j < map.length; j++) if (map[j] >= 0) out[map[j]] += values[j];
  return out;
}
