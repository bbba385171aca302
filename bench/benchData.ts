/**
 * The benchmark's training data: the first images of Fashion-MNIST's training set (Debian's
 * dataset-fashion-mnist), scaled to [0, 1], in the engine's vec layout; or random data of the same
 * shape when the dataset is absent (said in the output). The parent writes it once to
 * build/bench/; every system's child process reads the same file.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FASHION_MNIST_DIR, fashionMnistFiles } from '../core/data/fashion-mnist';
import { loadIdxPair } from '../core/data/idx';
import { Random } from '../core/util/random';

export const IMAGE = { d: 1, a: 28, b: 28 };
export const IMAGE_SIZE = IMAGE.d * IMAGE.a * IMAGE.b;
export const CLASSES = 10;

export interface BenchData {
  count: number;
  /** count * 784 values in vec layout (row fastest: r + 28*c). */
  x: Float32Array;
  labels: Int32Array;
  source: string;
}

const DIR = fileURLToPath(new URL('../build/bench/', import.meta.url));

export function prepareBenchData(count: number): string {
  let data: BenchData;
  const files = fashionMnistFiles('train');
  const images = join(FASHION_MNIST_DIR, files.images);
  const labelsFile = join(FASHION_MNIST_DIR, files.labels);
  if (existsSync(images) && existsSync(labelsFile)) {
    const all = loadIdxPair(images, labelsFile, { classes: CLASSES });
    const x = new Float32Array(count * IMAGE_SIZE);
    const scale = 1 / (all.rawRange.max - all.rawRange.min);
    for (let j = 0; j < x.length; j++) x[j] = (all.x[j] - all.rawRange.min) * scale;
    data = { count, x, labels: all.labels.slice(0, count), source: `Fashion-MNIST (${images}), first ${count} training images` };
  } else {
    const random = new Random(1);
    const x = new Float32Array(count * IMAGE_SIZE);
    for (let j = 0; j < x.length; j++) x[j] = random.uniform();
    const labels = new Int32Array(count);
    for (let i = 0; i < count; i++) labels[i] = random.int(CLASSES);
    data = { count, x, labels, source: `RANDOM data of Fashion-MNIST's shape (${FASHION_MNIST_DIR} not found)` };
  }
  mkdirSync(DIR, { recursive: true });
  const file = join(DIR, 'train-subset.json');
  writeFileSync(join(DIR, 'train-subset.x.bin'), data.x);
  writeFileSync(join(DIR, 'train-subset.labels.bin'), data.labels);
  writeFileSync(file, JSON.stringify({ count: data.count, source: data.source }));
  return file;
}

export function loadBenchData(file: string): BenchData {
  const meta = JSON.parse(readFileSync(file, 'utf8')) as { count: number; source: string };
  const xBytes = readFileSync(join(DIR, 'train-subset.x.bin'));
  const labelBytes = readFileSync(join(DIR, 'train-subset.labels.bin'));
  const x = new Float32Array(xBytes.buffer.slice(xBytes.byteOffset, xBytes.byteOffset + xBytes.byteLength));
  const labels = new Int32Array(labelBytes.buffer.slice(labelBytes.byteOffset, labelBytes.byteOffset + labelBytes.byteLength));
  return { count: meta.count, x, labels, source: meta.source };
}
