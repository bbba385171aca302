/**
 * A folder of images with one sub-folder per class (PNG or JPEG, grayscale or RGB), decoded
 * with sharp. Class names are the sub-folder names, sorted; label i is the i-th name. Images
 * must all have one size (the expected shape when given) unless `resize` is set, in which case
 * each is scaled to the expected size (or the first image's) with sharp's 'fill' fit.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Shape } from '../graph/shape.js';
import { formatShape } from '../graph/shape.js';
import { makeDataset, type Dataset } from './dataset.js';
import { DataFormatError } from './errors.js';
import { toVecLayout } from './layout.js';

const IMAGE_EXTENSIONS = /\.(png|jpe?g)$/i;

export interface ImageFolderOptions {
  /** The expected shape (e.g. the graph's input). Its d also fixes the channels. */
  shape?: Shape;
  /** 1 (grayscale) or 3 (RGB); default: shape.d, else 3 if any image has colour, else 1. */
  channels?: 1 | 3;
  /** Scale images whose size differs instead of rejecting them. */
  resize?: boolean;
  /** How many images are decoded at once. */
  concurrency?: number;
}

interface ImageFile {
  path: string;
  label: number;
  height: number;
  width: number;
  colour: boolean;
}

export function isImageFile(name: string): boolean {
  return IMAGE_EXTENSIONS.test(name);
}

/** The class sub-folders of `root` (sorted), or an empty list when there are none. */
export function classFolders(root: string): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
}

export async function loadImageFolder(root: string, options: ImageFolderOptions = {}): Promise<Dataset> {
  let classNames: string[];
  try {
    if (!statSync(root).isDirectory()) throw new DataFormatError(root, undefined, 'is not a folder');
    classNames = classFolders(root);
  } catch (e) {
    if (e instanceof DataFormatError) throw e;
    throw new DataFormatError(root, undefined, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (classNames.length === 0) throw new DataFormatError(root, undefined, 'has no class sub-folders (expected one sub-folder of images per class)');

  const paths: { path: string; label: number }[] = [];
  classNames.forEach((name, label) => {
    const folder = join(root, name);
    const files = readdirSync(folder).filter((f) => !f.startsWith('.') && isImageFile(f)).sort();
    if (files.length === 0) throw new DataFormatError(folder, undefined, `class folder '${name}' holds no PNG or JPEG images`);
    for (const f of files) paths.push({ path: join(folder, f), label });
  });

  const concurrency = options.concurrency ?? 16;
  const files = await mapLimited(paths, concurrency, async ({ path, label }): Promise<ImageFile> => {
    try {
      const m = await sharp(path).metadata();
      if (!m.width || !m.height) throw new Error('no image size in the header');
      const colourChannels = (m.channels ?? 1) - (m.hasAlpha ? 1 : 0);
      return { path, label, height: m.height, width: m.width, colour: colourChannels >= 3 };
    } catch (e) {
      throw new DataFormatError(path, undefined, `cannot be decoded as PNG or JPEG (${(e as Error).message})`);
    }
  });

  const d = options.channels ?? options.shape?.d ?? (files.some((f) => f.colour) ? 3 : 1);
  if (d !== 1 && d !== 3) throw new DataFormatError(root, undefined, `images can be decoded to 1 or 3 channels, not ${d}`);
  const first = files[0];
  const shape: Shape = { d, a: options.shape?.a ?? first.height, b: options.shape?.b ?? first.width };
  if (!options.resize) {
    for (const f of files) {
      if (f.height === shape.a && f.width === shape.b) continue;
      const hint = 'pass the resize option to scale every image to one size';
      if (options.shape) {
        throw new DataFormatError(f.path, undefined, `the image is ${f.height}x${f.width} (height x width) but the expected input is ${formatShape(shape)} (channels x height x width); ${hint}`);
      }
      throw new DataFormatError(f.path, undefined, `mixed image sizes: this image is ${f.height}x${f.width} (height x width) but ${first.path} is ${first.height}x${first.width}; ${hint}`);
    }
  }

  const size = d * shape.a * shape.b;
  const x = new Float32Array(files.length * size);
  const labels = Int32Array.from(files, (f) => f.label);
  await mapLimited(files, concurrency, async (f, n) => {
    let pipeline = sharp(f.path).removeAlpha().toColourspace(d === 1 ? 'b-w' : 'srgb');
    if (f.height !== shape.a || f.width !== shape.b) pipeline = pipeline.resize(shape.b, shape.a, { fit: 'fill' });
    let decoded: { data: Buffer; info: sharp.OutputInfo };
    try {
      decoded = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    } catch (e) {
      throw new DataFormatError(f.path, undefined, `cannot be decoded (${(e as Error).message})`);
    }
    const { info, data } = decoded;
    if (info.channels !== d || info.height !== shape.a || info.width !== shape.b) {
      throw new DataFormatError(f.path, undefined, `decoded to ${info.channels}x${info.height}x${info.width}, expected ${formatShape(shape)}`);
    }
    toVecLayout(data, 0, shape, 'hwc', x, n * size);
  });

  return makeDataset({ shape, x, labels, classes: classNames.length, classNames, source: `image folder ${root}`, rawRange: { min: 0, max: 255 } });
}

async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
