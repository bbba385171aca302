import type { LayerSpec } from '../graph/compile';
import { shapeSize } from '../graph/shape';

/**
 * The shape of W^m: d^{m+1} rows (output channels or units) by K columns, with K = h h d^m for a
 * convolution (the rows of phi(pad(Z))) and the input's d a b for a fully-connected layer.
 */
export function weightShape(layer: LayerSpec & { kind: 'conv' | 'fc' }): { rows: number; cols: number } {
  return { rows: layer.outShape.d, cols: layer.kind === 'conv' ? layer.size * layer.size * layer.inShape.d : shapeSize(layer.inShape) };
}
