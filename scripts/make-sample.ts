/**
 * Builds the Fashion-MNIST sample shipped in resources/data/fashion-mnist-sample from the Debian
 * package's files: 300 training and 100 test images per class (3000 + 1000), chosen with a
 * fixed seed, kept in their original order, written as gzipped IDX with a manifest of the
 * chosen indices and fingerprints.
 *
 *   npm run make-sample -- [--source /usr/share/datasets/fashion-mnist] [--out dir]
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { FASHION_MNIST_DIR, SAMPLE_DIR, fashionMnistFiles, type Split } from '../core/data/fashion-mnist.js';
import { idxLabels, loadIdxPair, readIdxFile } from '../core/data/idx.js';
import { encodeIdxUbyte } from '../core/data/idx-write.js';
import { Random } from '../core/util/random.js';

const SEED = 20240604;
const PER_CLASS: Record<Split, number> = { train: 300, test: 100 };

function argument(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const sourceDir = argument('--source', FASHION_MNIST_DIR);
const outDir = argument('--out', SAMPLE_DIR);
mkdirSync(outDir, { recursive: true });
const random = new Random(SEED);
const manifest: Record<string, unknown> = {
  description: 'A class-balanced sample of Fashion-MNIST made by scripts/make-sample.ts',
  seed: SEED,
  perClass: PER_CLASS,
  splits: {},
};

for (const split of ['train', 'test'] as Split[]) {
  const names = fashionMnistFiles(split);
  const images = readIdxFile(join(sourceDir, names.images));
  const { labels } = idxLabels(readIdxFile(join(sourceDir, names.labels)), 10);
  const [, rows, cols] = images.dims;
  const size = rows * cols;
  const chosen: number[] = [];
  for (let y = 0; y < 10; y++) {
    const ofClass = Array.from(labels.keys()).filter((i) => labels[i] === y);
    random.shuffle(ofClass);
    chosen.push(...ofClass.slice(0, PER_CLASS[split]));
  }
  chosen.sort((p, q) => p - q);
  const pixels = new Uint8Array(chosen.length * size);
  chosen.forEach((i, j) => pixels.set(images.bytes.subarray(images.dataOffset + i * size, images.dataOffset + (i + 1) * size), j * size));
  const chosenLabels = Uint8Array.from(chosen, (i) => labels[i]);
  const imagesOut = join(outDir, names.images);
  const labelsOut = join(outDir, names.labels);
  writeFileSync(imagesOut, gzipSync(encodeIdxUbyte([chosen.length, rows, cols], pixels), { level: 9 }));
  writeFileSync(labelsOut, gzipSync(encodeIdxUbyte([chosen.length], chosenLabels), { level: 9 }));
  const sample = loadIdxPair(imagesOut, labelsOut, { classes: 10 });
  (manifest.splits as Record<string, unknown>)[split] = {
    count: chosen.length,
    sourceImages: names.images,
    sourceImagesSha256: createHash('sha256').update(images.bytes).digest('hex'),
    fingerprint: sample.fingerprint,
    indices: chosen,
  };
  console.log(`${split}: ${chosen.length} images -> ${imagesOut}`);
}
writeFileSync(join(outDir, 'manifest.json'), JSON.stringify(manifest) + '\n');
