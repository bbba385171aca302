/** Checks on the real Debian Fashion-MNIST files; skipped, with the reason printed, when they are absent. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classCounts } from '../../core/data/dataset.js';
import { FASHION_MNIST_DIR, SAMPLE_DIR, fashionMnistFiles } from '../../core/data/fashion-mnist.js';
import { loadDataSource } from '../../core/data/sources.js';
import { vecIndex } from '../../core/data/layout.js';

const present = (['train', 'test'] as const).every((split) => {
  const f = fashionMnistFiles(split);
  return existsSync(join(FASHION_MNIST_DIR, f.images)) && existsSync(join(FASHION_MNIST_DIR, f.labels));
});
if (!present) console.warn(`SKIPPED test/data/fashion-mnist.test.ts: Fashion-MNIST is not in ${FASHION_MNIST_DIR} (apt-get install dataset-fashion-mnist)`);

describe.skipIf(!present)('Debian Fashion-MNIST', () => {
  it('loads 60000 training and 10000 test images of 1x28x28 with 6000/1000 per class; the sample is drawn from it', async () => {
    const train = await loadDataSource('fashion-mnist', { split: 'train', expectShape: { d: 1, a: 28, b: 28 }, classes: 10 });
    const test = await loadDataSource('fashion-mnist', { split: 'test', classes: 10 });
    expect([train.count, test.count]).toEqual([60000, 10000]);
    expect(train.shape).toEqual({ d: 1, a: 28, b: 28 });
    expect(classCounts(train)).toEqual(new Array(10).fill(6000));
    expect(classCounts(test)).toEqual(new Array(10).fill(1000));
    expect(train.labels[0]).toBe(9); // the first training image is an ankle boot
    let max = 0;
    for (const v of train.x.subarray(0, 784)) max = Math.max(max, v);
    expect(max).toBe(255);

    const manifest = JSON.parse(readFileSync(join(SAMPLE_DIR, 'manifest.json'), 'utf8'));
    const sample = await loadDataSource('sample', { split: 'test' });
    const indices: number[] = manifest.splits.test.indices;
    expect(indices).toHaveLength(sample.count);
    indices.forEach((i, j) => {
      expect(sample.labels[j]).toBe(test.labels[i]);
      for (const [r, k] of [[0, 0], [14, 9], [27, 27], [5, 20]]) {
        const v = vecIndex(sample.shape, 0, r, k);
        expect(sample.x[j * 784 + v]).toBe(test.x[i * 784 + v]);
      }
    });
  });
});
