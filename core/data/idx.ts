/**
 * IDX files (the MNIST / Fashion-MNIST format), gzipped or not. Layout: two zero bytes, a type
 * code, the number of dimensions n, then n big-endian uint32 sizes, then the values big-endian,
 * row-major. Images are idx3 (count x rows x columns) or idx4 (count x rows x columns x
 * channels); labels are idx1 (count).
 */
import { readFileSync } from 'node:fs';
import type { Shape } from '../graph/shape.js';
import { makeDataset, type Dataset, type ValueRange } from './dataset.js';
import { DataFormatError } from './errors.js';
import { gunzipPrefix, isGzip, maybeGunzip } from './gzip.js';
import { toVecLayout } from './layout.js';

interface IdxType {
  name: string;
  bytes: number;
  read: (view: DataView, offset: number) => number;
  range?: ValueRange;
  integer: boolean;
}

const IDX_TYPES = new Map<number, IdxType>([
  [0x08, { name: 'ubyte', bytes: 1, read: (v, o) => v.getUint8(o), range: { min: 0, max: 255 }, integer: true }],
  [0x09, { name: 'sbyte', bytes: 1, read: (v, o) => v.getInt8(o), range: { min: -128, max: 127 }, integer: true }],
  [0x0b, { name: 'short', bytes: 2, read: (v, o) => v.getInt16(o), integer: true }],
  [0x0c, { name: 'int', bytes: 4, read: (v, o) => v.getInt32(o), integer: true }],
  [0x0d, { name: 'float', bytes: 4, read: (v, o) => v.getFloat32(o), integer: false }],
  [0x0e, { name: 'double', bytes: 8, read: (v, o) => v.getFloat64(o), integer: false }],
]);

export interface IdxArray {
  file: string;
  type: IdxType;
  dims: number[];
  /** Offset of the first value in `bytes`. */
  dataOffset: number;
  bytes: Uint8Array;
  view: DataView;
}

/**
 * The most bytes an IDX file may inflate to (a gzipped file is inflated only up to what its header
 * announces, and never past this): Fashion-MNIST's training images are 47 MB.
 */
export const MAX_IDX_BYTES = 2 ** 30;

interface IdxHeader {
  type: IdxType;
  dims: number[];
  dataOffset: number;
  /** dataOffset + the data bytes the dims announce. */
  totalBytes: number;
}

/** Reads the magic number and dims from the first bytes of an (inflated) IDX file. */
function readIdxHeader(bytes: Uint8Array, file: string, fileLength: number): IdxHeader {
  if (bytes.length < 4) {
    throw new DataFormatError(file, 'offset 0', `the IDX header is truncated: need 4 bytes, the file has ${fileLength}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const hex = `0x${magic.toString(16).padStart(8, '0')}`;
  const type = IDX_TYPES.get(bytes[2]);
  if (bytes[0] !== 0 || bytes[1] !== 0 || !type || bytes[3] === 0) {
    throw new DataFormatError(
      file,
      'offset 0',
      `wrong magic number ${hex}: not an IDX file (expected 0x0000, a type code 08/09/0B/0C/0D/0E and a dimension count, e.g. 0x00000803 for images, 0x00000801 for labels)`,
    );
  }
  const rank = bytes[3];
  const dataOffset = 4 + 4 * rank;
  if (bytes.length < dataOffset) {
    throw new DataFormatError(file, 'offset 4', `the IDX header is truncated: ${rank} dimensions need ${dataOffset} header bytes, the file has ${fileLength}`);
  }
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i));
  const items = dims.reduce((p, n) => p * n, 1);
  return { type, dims, dataOffset, totalBytes: dataOffset + items * type.bytes };
}

export interface ParseIdxOptions {
  /** The most bytes the file may hold once inflated (default MAX_IDX_BYTES). */
  maxBytes?: number;
}

/**
 * The file's bytes, inflated when gzipped: first just enough for the header, then the rest, bounded
 * by the size the header announces, so a gzip bomb stops at that size instead of filling memory.
 */
function inflateIdx(raw: Uint8Array, file: string, maxBytes: number): Uint8Array {
  if (!isGzip(raw)) return raw;
  const head = gunzipPrefix(raw, file, 4 + 4 * 255);
  if (head.length === 0) throw new DataFormatError(file, undefined, 'the file is empty after gunzip');
  const header = readIdxHeader(head, file, head.length);
  const announced = `${header.totalBytes} bytes its IDX header announces (${header.dims.join(' x ')} ${header.type.name})`;
  if (header.totalBytes > maxBytes)
    throw new DataFormatError(file, 'offset 4', `the header announces ${header.totalBytes} bytes (${header.dims.join(' x ')} ${header.type.name}), more than the limit of ${maxBytes} bytes`);
  return maybeGunzip(raw, file, header.totalBytes, () => `inflates to more than the ${announced}: refused before unpacking the rest (a damaged file or a gzip bomb)`);
}

/** Parses and checks an IDX header and the data length; `file` names the file in errors. */
export function parseIdx(raw: Uint8Array, file: string, options: ParseIdxOptions = {}): IdxArray {
  if (raw.length === 0) throw new DataFormatError(file, undefined, 'the file is empty');
  const bytes = inflateIdx(raw, file, options.maxBytes ?? MAX_IDX_BYTES);
  if (bytes.length === 0) throw new DataFormatError(file, undefined, 'the file is empty after gunzip');
  const { type, dims, dataOffset, totalBytes } = readIdxHeader(bytes, file, bytes.length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const items = dims.reduce((p, n) => p * n, 1);
  const expected = totalBytes - dataOffset;
  const found = bytes.length - dataOffset;
  if (found < expected) {
    const complete = Math.floor(found / type.bytes);
    throw new DataFormatError(
      file,
      `offset ${bytes.length}`,
      `the data is truncated: the header (${dims.join(' x ')} ${type.name}) promises ${expected} bytes after the ${dataOffset}-byte header, only ${found} follow (${complete} of ${items} values)`,
    );
  }
  if (found > expected) {
    throw new DataFormatError(file, `offset ${dataOffset + expected}`, `${found - expected} unexpected bytes after the ${dims.join(' x ')} ${type.name} data`);
  }
  return { file, type, dims, dataOffset, bytes, view };
}

export function readIdxFile(file: string): IdxArray {
  let raw: Uint8Array;
  try {
    raw = readFileSync(file);
  } catch (e) {
    throw new DataFormatError(file, undefined, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseIdx(raw, file);
}

export interface IdxImages {
  shape: Shape;
  count: number;
  /** count instances in vec layout, raw values. */
  x: Float32Array;
  rawRange: ValueRange;
}

/** Images from an idx3 (count x rows x cols) or idx4 (count x rows x cols x channels) array. */
export function idxImages(idx: IdxArray): IdxImages {
  const { dims, file, type, view, dataOffset } = idx;
  if (dims.length !== 3 && dims.length !== 4) {
    throw new DataFormatError(file, 'offset 3', `an image file must be idx3 (count x rows x columns) or idx4 (... x channels), this one has ${dims.length} dimension(s): ${dims.join(' x ')}`);
  }
  const [count, a, b] = dims;
  const d = dims.length === 4 ? dims[3] : 1;
  if (count === 0) throw new DataFormatError(file, 'offset 4', 'the file holds no images (count 0)');
  if (a === 0 || b === 0 || d === 0) throw new DataFormatError(file, 'offset 8', `image size ${dims.slice(1).join(' x ')} has a zero dimension`);
  const shape = { d, a, b };
  const size = d * a * b;
  const x = new Float32Array(count * size);
  let values: ArrayLike<number>;
  if (type.bytes === 1 && type.range?.min === 0) {
    values = idx.bytes.subarray(dataOffset);
  } else {
    const decoded = new Float64Array(count * size);
    for (let i = 0; i < decoded.length; i++) decoded[i] = type.read(view, dataOffset + i * type.bytes);
    values = decoded;
  }
  for (let n = 0; n < count; n++) toVecLayout(values, n * size, shape, 'hwc', x, n * size);
  return { shape, count, x, rawRange: type.range ?? observedRange(x, file) };
}

function observedRange(x: Float32Array, file: string): ValueRange {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (!Number.isFinite(v)) throw new DataFormatError(file, `value ${i}`, `${v} is not a finite number`);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

/**
 * Labels from an idx1 array, checked against `classes` when given (otherwise classes is the
 * largest label + 1).
 */
export function idxLabels(idx: IdxArray, classes?: number): { labels: Int32Array; classes: number } {
  const { dims, file, type, view, dataOffset } = idx;
  if (dims.length !== 1) {
    throw new DataFormatError(file, 'offset 3', `a label file must be idx1 (one label per instance), this one has ${dims.length} dimensions: ${dims.join(' x ')}`);
  }
  if (!type.integer) throw new DataFormatError(file, 'offset 2', `labels must be integers, the file holds ${type.name} values`);
  const labels = new Int32Array(dims[0]);
  let largest = -1;
  for (let i = 0; i < labels.length; i++) {
    const offset = dataOffset + i * type.bytes;
    const y = type.read(view, offset);
    if (y < 0 || (classes !== undefined && y >= classes)) {
      throw new DataFormatError(file, `label ${i} (offset ${offset})`, `label ${y} is outside the ${classes ?? '?'} classes [0, ${classes !== undefined ? classes - 1 : '...'}]`);
    }
    labels[i] = y;
    if (y > largest) largest = y;
  }
  return { labels, classes: classes ?? largest + 1 };
}

export interface IdxPairOptions {
  /** The number of classes; labels must lie in [0, classes). Default: the largest label + 1. */
  classes?: number;
  classNames?: string[];
}

/** A Dataset from an image file and a label file. */
export function loadIdxPair(imagesFile: string, labelsFile: string, options: IdxPairOptions = {}): Dataset {
  const images = idxImages(readIdxFile(imagesFile));
  const classes = options.classes ?? options.classNames?.length;
  const { labels, classes: classCount } = idxLabels(readIdxFile(labelsFile), classes);
  if (labels.length !== images.count) {
    throw new DataFormatError(labelsFile, 'offset 4', `holds ${labels.length} labels but ${imagesFile} holds ${images.count} images`);
  }
  return makeDataset({
    shape: images.shape,
    x: images.x,
    labels,
    classes: classCount,
    classNames: options.classNames,
    source: `IDX ${imagesFile} + ${labelsFile}`,
    rawRange: images.rawRange,
  });
}
