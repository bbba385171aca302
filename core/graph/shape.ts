/**
 * A tensor shape d x a x b (channels x height x width). A vector of n values is n x 1 x 1
 * and is written "n".
 */
export interface Shape {
  d: number;
  a: number;
  b: number;
}

export function shapeSize(s: Shape): number {
  return s.d * s.a * s.b;
}

export function isVectorShape(s: Shape): boolean {
  return s.a === 1 && s.b === 1;
}

export function formatShape(s: Shape): string {
  return isVectorShape(s) ? String(s.d) : `${s.d}x${s.a}x${s.b}`;
}

/** a_conv = floor((a + 2p - h)/s) + 1: the output size of a window of size h sliding with stride s. */
export function slidingOutputSize(inputSize: number, windowSize: number, stride: number, padding = 0): number {
  return Math.floor((inputSize + 2 * padding - windowSize) / stride) + 1;
}
