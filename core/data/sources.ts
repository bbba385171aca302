/**
 * loadDataSource: one entry point for every kind of data. A spec is
 *   'fashion-mnist'  the Debian package's files in /usr/share/datasets/fashion-mnist
 *   'sample'         the small Fashion-MNIST sample shipped in resources/data/
 *   a path           an IDX image file (its label file is found by name), a folder of IDX
 *                    files (train-/t10k-/test- prefixes pick the split), a CSV file, a folder
 *                    of CSV files (names containing train/test), or an image folder (one
 *                    sub-folder per class, optionally under train/ and test/ folders)
 *   an object        {kind: 'idx', images, labels} | {kind: 'csv', file} | {kind: 'images', folder}
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Shape } from '../graph/shape.js';
import { formatShape } from '../graph/shape.js';
import { loadCsv, type CsvOptions } from './csv.js';
import type { Dataset } from './dataset.js';
import { DataFormatError } from './errors.js';
import { FASHION_MNIST_CLASS_NAMES, FASHION_MNIST_DIR, SAMPLE_DIR, fashionMnistFiles, type Split } from './fashion-mnist.js';
import { classFolders, loadImageFolder } from './image-folder.js';
import { loadIdxPair } from './idx.js';
import { resizeDataset } from './resize.js';

export type DataSourceSpec =
  | string
  | { kind: 'idx'; images: string; labels: string }
  | { kind: 'csv'; file: string }
  | { kind: 'images'; folder: string };

export interface LoadDataOptions {
  split: Split;
  /** The shape the network expects (its input node). A different image size is an error naming
   * both shapes unless `resize` is set. */
  expectShape?: Shape;
  resize?: boolean;
  /** The number of classes; labels must lie in [0, classes). */
  classes?: number;
  csv?: CsvOptions;
  fashionMnistDir?: string;
  sampleDir?: string;
}

export async function loadDataSource(spec: DataSourceSpec, options: LoadDataOptions): Promise<Dataset> {
  const dataset = await loadUnchecked(spec, options);
  if (options.classes !== undefined && dataset.classes !== options.classes) {
    throw new Error(`${dataset.source}: the data has ${dataset.classes} classes but ${options.classes} are expected`);
  }
  return conformShape(dataset, options);
}

async function loadUnchecked(spec: DataSourceSpec, options: LoadDataOptions): Promise<Dataset> {
  const { split } = options;
  if (typeof spec !== 'string') {
    if (spec.kind === 'idx') return loadIdxPair(spec.images, spec.labels, { classes: options.classes });
    if (spec.kind === 'csv') return loadCsv(spec.file, csvOptions(options));
    return loadImageFolder(spec.folder, imageOptions(options));
  }
  if (spec === 'fashion-mnist') return loadFashionMnistFolder(options.fashionMnistDir ?? FASHION_MNIST_DIR, split, true);
  if (spec === 'sample') return loadFashionMnistFolder(options.sampleDir ?? SAMPLE_DIR, split, false);
  if (!existsSync(spec)) {
    throw new Error(`data source '${spec}' is neither 'fashion-mnist', 'sample' nor an existing file or folder`);
  }
  if (statSync(spec).isFile()) return loadFile(spec, options);
  return loadFolder(spec, options);
}

async function conformShape(dataset: Dataset, options: LoadDataOptions): Promise<Dataset> {
  const want = options.expectShape;
  if (!want) return dataset;
  const have = dataset.shape;
  if (have.d === want.d && have.a === want.a && have.b === want.b) return dataset;
  if (options.resize && have.d === want.d) return resizeDataset(dataset, want);
  throw new Error(
    `${dataset.source}: the images are ${formatShape(have)} but the network's input is ${formatShape(want)} (channels x height x width)` +
      (have.d === want.d ? '; use the resize option to scale them' : ''),
  );
}

function csvOptions(options: LoadDataOptions): CsvOptions {
  return { classes: options.classes, ...options.csv };
}

function imageOptions(options: LoadDataOptions) {
  return { shape: options.expectShape, resize: options.resize };
}

function loadFashionMnistFolder(dir: string, split: Split, isDebian: boolean): Dataset {
  const names = fashionMnistFiles(split);
  const images = join(dir, names.images);
  const labels = join(dir, names.labels);
  for (const f of [images, labels]) {
    if (!existsSync(f)) {
      throw new Error(
        isDebian
          ? `Fashion-MNIST is not installed: ${f} is missing. Install it with \`apt-get install dataset-fashion-mnist\` (Debian), or use the shipped 'sample'.`
          : `the shipped Fashion-MNIST sample is missing: ${f} not found (regenerate it with scripts/make-sample.ts)`,
      );
    }
  }
  const dataset = loadIdxPair(images, labels, { classNames: FASHION_MNIST_CLASS_NAMES });
  dataset.source = `${isDebian ? 'Fashion-MNIST' : 'Fashion-MNIST sample'} ${split} (${dataset.source})`;
  return dataset;
}

function loadFile(file: string, options: LoadDataOptions): Dataset {
  const name = basename(file);
  if (/\.csv$/i.test(name)) return loadCsv(file, csvOptions(options));
  const partner = idxPartner(file);
  if (!partner) {
    throw new DataFormatError(file, undefined, "cannot tell the format: expected a .csv file or an IDX file whose name contains 'images' or 'labels'");
  }
  if (!existsSync(partner.path)) {
    throw new DataFormatError(file, undefined, `the matching IDX ${partner.role} file ${partner.path} does not exist`);
  }
  const [images, labels] = partner.role === 'labels' ? [file, partner.path] : [partner.path, file];
  return loadIdxPair(images, labels, { classes: options.classes });
}

/** images <-> labels, idx3/idx4 <-> idx1, same folder. */
function idxPartner(file: string): { path: string; role: 'images' | 'labels' } | undefined {
  const name = basename(file);
  if (/images/i.test(name)) {
    return { role: 'labels', path: join(dirname(file), name.replace(/images/i, 'labels').replace(/idx[34]/i, 'idx1')) };
  }
  if (/labels/i.test(name)) {
    const stem = name.replace(/labels/i, 'images');
    const candidates = [stem.replace(/idx1/i, 'idx3'), stem.replace(/idx1/i, 'idx4')];
    const found = candidates.find((c) => existsSync(join(dirname(file), c))) ?? candidates[0];
    return { role: 'images', path: join(dirname(file), found) };
  }
  return undefined;
}

const SPLIT_WORDS: Record<Split, RegExp> = { train: /train/i, test: /t10k|test/i };

async function loadFolder(dir: string, options: LoadDataOptions): Promise<Dataset> {
  const { split } = options;
  const files = readdirSync(dir).filter((f) => statSync(join(dir, f)).isFile()).sort();
  const splitWord = SPLIT_WORDS[split];
  const idxImages = files.filter((f) => /images/i.test(f) && /idx[34]/i.test(f) && splitWord.test(f));
  if (idxImages.length > 0) {
    const images = join(dir, idxImages[0]);
    const labelName = files.find((f) => /labels/i.test(f) && /idx1/i.test(f) && splitWord.test(f));
    if (!labelName) throw new DataFormatError(dir, undefined, `has the IDX image file ${idxImages[0]} for the ${split} split but no matching labels (idx1) file`);
    return loadIdxPair(images, join(dir, labelName), { classes: options.classes });
  }
  const csv = files.find((f) => /\.csv$/i.test(f) && splitWord.test(f));
  if (csv) return loadCsv(join(dir, csv), csvOptions(options));
  const folders = classFolders(dir);
  const splitFolder = folders.find((f) => (split === 'train' ? /^train(ing)?$/i : /^test(ing)?$/i).test(f));
  if (splitFolder) return loadImageFolder(join(dir, splitFolder), imageOptions(options));
  if (folders.length > 0) return loadImageFolder(dir, imageOptions(options));
  throw new DataFormatError(
    dir,
    undefined,
    `holds no data for the ${split} split: expected IDX files (e.g. ${fashionMnistFiles(split).images}), a CSV file with '${split}' in its name, or image sub-folders (one per class)`,
  );
}
