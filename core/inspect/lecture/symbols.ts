/**
 * The lecture's name (TeX) for the value between two nodes of the chain. Affine layers (conv, fc)
 * are numbered m = 1, 2, ...; a block is an affine layer with the pooling / activation nodes after
 * it, and the value that enters affine layer m is Z^m (conv) or z^m = vec(Z^m) (fully connected).
 * The scores after the last of the M affine layers are z^{L+1} with L = M.
 */
import type { LayerSpec } from '../../graph/compile';

export interface NodeSymbols {
  /** The block's m (0 for nodes before the first affine layer). */
  m: number;
  /** The value entering the node, and the one it produces. */
  in: string;
  out: string;
}

export const isAffine = (l: LayerSpec): l is LayerSpec & { kind: 'conv' | 'fc' } => l.kind === 'conv' || l.kind === 'fc';

/** Z^m for a convolution, bold z^m for a fully-connected layer. */
export function layerInputSymbol(kind: 'conv' | 'fc', m: number): string {
  return kind === 'conv' ? `Z^{${m}}` : `\\mathbf{z}^{${m}}`;
}

/** S^m (conv) or s^m (fc). */
export function preActivationSymbol(kind: 'conv' | 'fc', m: number): string {
  return kind === 'conv' ? `S^{${m}}` : `\\mathbf{s}^{${m}}`;
}

export function chainSymbols(layers: readonly LayerSpec[]): NodeSymbols[] {
  const affineCount = layers.filter(isAffine).length;
  const numbers: number[] = [];
  let m = 0;
  for (const l of layers) numbers.push(isAffine(l) ? ++m : m);
  const out: NodeSymbols[] = [];
  let previous = layers.length > 0 && isAffine(layers[0]) ? layerInputSymbol(layers[0].kind as 'conv' | 'fc', 1) : 'X';
  layers.forEach((l, k) => {
    const next = layers[k + 1];
    let produced: string;
    if (!next) produced = `\\mathbf{z}^{${affineCount + 1}}`;
    else if (isAffine(next)) produced = layerInputSymbol(next.kind as 'conv' | 'fc', numbers[k + 1]);
    else if (isAffine(l)) produced = l.activation === 'linear' ? preActivationSymbol(l.kind, numbers[k]) : `\\sigma(${preActivationSymbol(l.kind, numbers[k])})`;
    else if (l.kind === 'activation') produced = `\\sigma(${previous})`;
    else produced = `\\mathrm{mat}(P_{\\mathrm{pool}}^{${numbers[k]}}\\,\\mathrm{vec}(${previous}))`;
    out.push({ m: numbers[k], in: previous, out: produced });
    previous = produced;
  });
  return out;
}
