/** The vector-form convolution equals a direct (naive) cross-correlation on images. */
import { describe, expect, it } from 'vitest';
import { createReferenceBackend } from '../../core/compute/reference/typedArrayBackend';
import { makeProblem, specOf } from './helpers';

describe('convolution layer', () => {
  it.each([
    [1, 2],
    [2, 0],
    [3, 1],
  ])('S = W phi(pad(Z)) + b matches a direct cross-correlation (stride %i, padding %i)', (stride, padding) => {
    const d = 2, a = 7, b = 6, h = 3, filters = 3;
    const spec = specOf([
      { kind: 'input', params: { channels: d, height: a, width: b } },
      { kind: 'conv', params: { filters, size: h, stride, padding, activation: 'linear' } },
      { kind: 'fc', params: { units: 2, activation: 'linear' } },
      { kind: 'output', params: { loss: 'squared', classes: 2, C: null } },
    ]);
    const count = 2;
    const { network, x } = makeProblem(spec, createReferenceBackend(), count);
    const conv = network.layers[0];
    const W = network.getParameters()[0].values;
    const bias = network.getParameters()[1].values;
    network.forward(x, count);
    const S = network.backend.read((conv as unknown as { A: never }).A);
    const aConv = Math.floor((a + 2 * padding - h) / stride) + 1;
    const bConv = Math.floor((b + 2 * padding - h) / stride) + 1;
    const pixel = (i: number, c: number, r: number, k: number) => (r < 0 || r >= a || k < 0 || k >= b ? 0 : x[i * d * a * b + c + d * (r + a * k)]);
    for (let i = 0; i < count; i++)
      for (let f = 0; f < filters; f++)
        for (let p = 0; p < aConv; p++)
          for (let q = 0; q < bConv; q++) {
            let sum = bias[f];
            for (let c = 0; c < d; c++)
              for (let jj = 0; jj < h; jj++)
                for (let ii = 0; ii < h; ii++) sum += W[f + filters * (ii + h * jj + h * h * c)] * pixel(i, c, p * stride + ii - padding, q * stride + jj - padding);
            expect(S[i * filters * aConv * bConv + f + filters * (p + aConv * q)]).toBeCloseTo(sum, 12);
          }
  });
});
