/** Fashion-MNIST (Zalando Research, MIT licence): where it lives and what its labels mean. */
import { fileURLToPath } from 'node:url';

export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** The shipped sample (see resources/data/fashion-mnist-sample/README.md and scripts/make-sample.ts). */
export const SAMPLE_DIR = fileURLToPath(new URL('../../resources/data/fashion-mnist-sample', import.meta.url));

export const FASHION_MNIST_CLASS_NAMES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

export type Split = 'train' | 'test';

/** The file names of a split, as Zalando and Debian name them. */
export function fashionMnistFiles(split: Split): { images: string; labels: string } {
  const prefix = split === 'train' ? 'train' : 't10k';
  return { images: `${prefix}-images-idx3-ubyte.gz`, labels: `${prefix}-labels-idx1-ubyte.gz` };
}
