import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { classCounts } from '../../core/data/dataset.js';
import { FASHION_MNIST_CLASS_NAMES, SAMPLE_DIR } from '../../core/data/fashion-mnist.js';
import { encodeIdxUbyte } from '../../core/data/idx-write.js';
import { loadDataSource } from '../../core/data/sources.js';
import { messageOf, tempFolder } from './helpers.js';

const tmp = tempFolder('sources');
const pixels = (n: number, size: number, base: number) => Uint8Array.from({ length: n * size }, (_, i) => (base + i) % 256);

beforeAll(async () => {
  // an IDX folder in the Zalando naming: 4 train and 2 test images of 2x2
  tmp.file('idx/train-images-idx3-ubyte.gz', gzipSync(encodeIdxUbyte([4, 2, 2], pixels(4, 4, 0))));
  tmp.file('idx/train-labels-idx1-ubyte.gz', gzipSync(encodeIdxUbyte([4], Uint8Array.of(0, 1, 2, 1))));
  tmp.file('idx/t10k-images-idx3-ubyte', encodeIdxUbyte([2, 2, 2], pixels(2, 4, 100)));
  tmp.file('idx/t10k-labels-idx1-ubyte', encodeIdxUbyte([2], Uint8Array.of(2, 0)));
  // CSV folder
  tmp.file('csv/my_train.csv', 'label,a,b,c,d\n1,1,2,3,4\n0,4,3,2,1\n');
  tmp.file('csv/my_test.csv', 'label,a,b,c,d\n1,9,9,9,9\n');
  // image folder with train/ and test/
  const png = (v: number) => sharp(Buffer.alloc(4, v), { raw: { width: 2, height: 2, channels: 1 } }).toColourspace('b-w').png().toBuffer();
  tmp.file('img/train/cat/1.png', await png(10));
  tmp.file('img/train/dog/1.png', await png(20));
  tmp.file('img/test/cat/1.png', await png(30));
  tmp.file('img/test/dog/1.png', await png(40));
  tmp.file('empty/readme.txt', 'nothing here');
});

describe('loadDataSource', () => {
  it('detects an IDX folder and picks the split by file name', async () => {
    const train = await loadDataSource(tmp.path('idx'), { split: 'train' });
    const test = await loadDataSource(tmp.path('idx'), { split: 'test' });
    expect([train.count, test.count]).toEqual([4, 2]);
    expect(train.source).toContain('train-images-idx3-ubyte.gz');
    expect(Array.from(test.labels)).toEqual([2, 0]);
  });

  it('finds the label file that goes with an IDX image file, and the reverse', async () => {
    const fromImages = await loadDataSource(tmp.path('idx/t10k-images-idx3-ubyte'), { split: 'train' });
    const fromLabels = await loadDataSource(tmp.path('idx/t10k-labels-idx1-ubyte'), { split: 'train' });
    expect(fromImages.fingerprint).toBe(fromLabels.fingerprint);
    expect(fromImages.count).toBe(2);
    expect(await messageOf(() => loadDataSource({ kind: 'idx', images: tmp.path('idx/t10k-images-idx3-ubyte'), labels: tmp.path('idx/t10k-labels-idx1-ubyte') }, { split: 'test', classes: 2 }))).toBe(
      `${tmp.path('idx/t10k-labels-idx1-ubyte')}: label 0 (offset 8): label 2 is outside the 2 classes [0, 1]`,
    );
  });

  it('detects CSV files and folders and image folders with train/test sub-folders', async () => {
    expect((await loadDataSource(tmp.path('csv'), { split: 'test' })).count).toBe(1);
    expect((await loadDataSource(tmp.path('csv/my_train.csv'), { split: 'train' })).count).toBe(2);
    const images = await loadDataSource(tmp.path('img'), { split: 'test' });
    expect(images.classNames).toEqual(['cat', 'dog']);
    expect(Array.from(images.x.subarray(0, 4))).toEqual([30, 30, 30, 30]);
    const classFolderOnly = await loadDataSource({ kind: 'images', folder: tmp.path('img/train') }, { split: 'test' });
    expect(classFolderOnly.count).toBe(2);
  });

  it("checks the images against the network's input shape, or resizes when asked", async () => {
    expect(await messageOf(() => loadDataSource(tmp.path('idx'), { split: 'train', expectShape: { d: 1, a: 28, b: 28 } }))).toMatch(
      /: the images are 1x2x2 but the network's input is 1x28x28 \(channels x height x width\); use the resize option to scale them$/,
    );
    expect(await messageOf(() => loadDataSource(tmp.path('idx'), { split: 'train', expectShape: { d: 3, a: 2, b: 2 }, resize: true }))).toMatch(
      /the images are 1x2x2 but the network's input is 3x2x2 \(channels x height x width\)$/,
    );
    const resized = await loadDataSource(tmp.path('idx'), { split: 'test', expectShape: { d: 1, a: 4, b: 4 }, resize: true });
    expect(resized.shape).toEqual({ d: 1, a: 4, b: 4 });
    expect(resized.count).toBe(2);
    expect(resized.source).toContain('resized from 1x2x2 to 1x4x4');
    const resizedImages = await loadDataSource(tmp.path('img'), { split: 'train', expectShape: { d: 1, a: 3, b: 3 }, resize: true });
    expect(Array.from(resizedImages.x.subarray(0, 9))).toEqual(new Array(9).fill(10));
    expect(await messageOf(() => loadDataSource(tmp.path('img'), { split: 'train', classes: 3 }))).toMatch(/: the data has 2 classes but 3 are expected$/);
  });

  it('explains unknown sources, folders without data and a missing Fashion-MNIST', async () => {
    expect(await messageOf(() => loadDataSource('no-such-thing', { split: 'train' }))).toBe(
      "data source 'no-such-thing' is neither 'fashion-mnist', 'sample' nor an existing file or folder",
    );
    expect(await messageOf(() => loadDataSource(tmp.path('empty'), { split: 'train' }))).toMatch(new RegExp(`^${tmp.path('empty')}: holds no data for the train split`));
    expect(await messageOf(() => loadDataSource(tmp.path('empty/readme.txt'), { split: 'train' }))).toMatch(/cannot tell the format/);
    expect(await messageOf(() => loadDataSource('fashion-mnist', { split: 'train', fashionMnistDir: tmp.path('none') }))).toBe(
      `Fashion-MNIST is not installed: ${tmp.path('none/train-images-idx3-ubyte.gz')} is missing. Install it with \`apt-get install dataset-fashion-mnist\` (Debian), or use the shipped 'sample'.`,
    );
  });

  it('loads the shipped sample: 3000 + 1000 balanced images matching its manifest', async () => {
    const manifest = JSON.parse(readFileSync(join(SAMPLE_DIR, 'manifest.json'), 'utf8'));
    const train = await loadDataSource('sample', { split: 'train', expectShape: { d: 1, a: 28, b: 28 } });
    const test = await loadDataSource('sample', { split: 'test' });
    expect([train.count, test.count]).toEqual([3000, 1000]);
    expect(classCounts(train)).toEqual(new Array(10).fill(300));
    expect(classCounts(test)).toEqual(new Array(10).fill(100));
    expect(train.classNames).toEqual(FASHION_MNIST_CLASS_NAMES);
    expect(train.fingerprint).toBe(manifest.splits.train.fingerprint);
    expect(test.fingerprint).toBe(manifest.splits.test.fingerprint);
  });
});
