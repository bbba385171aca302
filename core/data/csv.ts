/**
 * CSV files of images: one row per instance, a label column and d*a*b pixel columns, with or
 * without a header row (detected when most cells of the first row are not numbers). Pixels are
 * row-major with interleaved channels ('hwc', like Kaggle's fashion-mnist_train.csv) or planar
 * ('chw'). Cells are numbers, optionally in double quotes; quoted commas are not supported.
 * Errors name the place as file:line:column (1-based, column = CSV column).
 */
import { readFileSync } from 'node:fs';
import type { Shape } from '../graph/shape.js';
import { formatShape } from '../graph/shape.js';
import { makeDataset, type Dataset, type ValueRange } from './dataset.js';
import { DataFormatError } from './errors.js';
import { toVecLayout, type PixelOrder } from './layout.js';

export interface CsvOptions {
  /** Whether the first row is a header. Default: detected. */
  header?: boolean;
  /** 0-based column index (negative counts from the end) or a header name. Default: a column
   * named 'label' if the header has one, else 0. */
  labelColumn?: number | string;
  /** Image shape; default: 1 x s x s when the pixel count is a square s*s. */
  shape?: Shape;
  pixelOrder?: PixelOrder;
  /** Number of classes; labels must lie in [0, classes). Default: the largest label + 1. */
  classes?: number;
  classNames?: string[];
  /** The range raw pixel values can take; default 0..255 when every value is an integer in it,
   * else the observed range. */
  rawRange?: ValueRange;
}

export function loadCsv(file: string, options: CsvOptions = {}): Dataset {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DataFormatError(file, undefined, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseCsv(text, file, options);
}

function unquote(cell: string): string {
  const t = cell.trim();
  return t.length >= 2 && t[0] === '"' && t[t.length - 1] === '"' ? t.slice(1, -1).trim() : t;
}

function splitCells(line: string): string[] {
  return line.split(',').map(unquote);
}

/** Parses CSV text; `file` names it in errors. */
export function parseCsv(text: string, file: string, options: CsvOptions = {}): Dataset {
  if (text.trim().length === 0) throw new DataFormatError(file, undefined, 'the file is empty');
  const lines = text.split('\n');
  let lineIndex = 0;
  while (lines[lineIndex].trim() === '') lineIndex++;
  const firstCells = splitCells(lines[lineIndex].replace(/\r$/, ''));
  // A header when most cells of the first row are not numbers: a data row with one bad cell is
  // then reported at that cell instead of being skipped as a header.
  const header = options.header ?? firstCells.filter((c) => c === '' || !Number.isFinite(Number(c))).length * 2 > firstCells.length;
  const firstDataLine = lineIndex + (header ? 2 : 1);
  const columns = firstCells.length;
  const labelColumn = resolveLabelColumn(options.labelColumn, header ? firstCells : undefined, columns, file, lineIndex + 1);
  if (header) lineIndex++;

  const pixels = columns - 1;
  if (pixels < 1) throw new DataFormatError(file, `line ${lineIndex}`, `a row needs a label and at least one pixel column, found ${columns} column(s)`);
  const shape = options.shape ?? inferSquareShape(pixels, file);
  const size = shape.d * shape.a * shape.b;
  if (size !== pixels) {
    throw new DataFormatError(file, undefined, `the rows have ${pixels} pixel columns but the shape ${formatShape(shape)} needs ${size}`);
  }
  const order = options.pixelOrder ?? 'hwc';

  const rows: number[] = [];
  for (let i = lineIndex; i < lines.length; i++) if (lines[i].trim() !== '') rows.push(i);
  if (rows.length === 0) throw new DataFormatError(file, undefined, 'the file holds no data rows');

  const x = new Float32Array(rows.length * size);
  const labels = new Int32Array(rows.length);
  const rowValues = new Float64Array(pixels);
  let min = Infinity;
  let max = -Infinity;
  let allBytes = true;
  for (let n = 0; n < rows.length; n++) {
    const lineNumber = rows[n] + 1;
    const cells = splitCells(lines[rows[n]].replace(/\r$/, ''));
    if (cells.length !== columns) {
      throw DataFormatError.at(file, lineNumber, Math.min(cells.length, columns) + 1, `the row has ${cells.length} columns, the first row has ${columns}`);
    }
    let p = 0;
    for (let c = 0; c < columns; c++) {
      const cell = cells[c];
      if (cell === '') throw DataFormatError.at(file, lineNumber, c + 1, 'empty cell');
      const value = Number(cell);
      if (!Number.isFinite(value)) {
        const hint = lineNumber === firstDataLine && !header ? ' (if this row is a header, pass header: true)' : '';
        throw DataFormatError.at(file, lineNumber, c + 1, `'${cell}' is not a finite number${hint}`);
      }
      if (c === labelColumn) {
        if (!Number.isInteger(value) || value < 0) throw DataFormatError.at(file, lineNumber, c + 1, `label '${cell}' is not a non-negative integer`);
        if (options.classes !== undefined && value >= options.classes) {
          throw DataFormatError.at(file, lineNumber, c + 1, `label ${value} is outside the ${options.classes} classes [0, ${options.classes - 1}]`);
        }
        labels[n] = value;
      } else {
        rowValues[p++] = value;
        if (value < min) min = value;
        if (value > max) max = value;
        if (allBytes && !(Number.isInteger(value) && value >= 0 && value <= 255)) allBytes = false;
      }
    }
    toVecLayout(rowValues, 0, shape, order, x, n * size);
  }
  let largest = 0;
  for (const y of labels) if (y > largest) largest = y;
  return makeDataset({
    shape,
    x,
    labels,
    classes: options.classes ?? options.classNames?.length ?? largest + 1,
    classNames: options.classNames,
    source: `CSV ${file}`,
    rawRange: options.rawRange ?? (allBytes ? { min: 0, max: 255 } : { min, max }),
  });
}

function resolveLabelColumn(spec: number | string | undefined, headerCells: string[] | undefined, columns: number, file: string, line: number): number {
  if (typeof spec === 'string') {
    if (!headerCells) throw new DataFormatError(file, `line ${line}`, `label column '${spec}' is named but the file has no header row`);
    const i = headerCells.indexOf(spec);
    if (i < 0) throw new DataFormatError(file, `line ${line}`, `the header has no column '${spec}' (columns: ${headerCells.slice(0, 5).join(', ')}${columns > 5 ? ', ...' : ''})`);
    return i;
  }
  if (spec === undefined) {
    const named = headerCells?.findIndex((c) => c.toLowerCase() === 'label') ?? -1;
    return named >= 0 ? named : 0;
  }
  const i = spec < 0 ? columns + spec : spec;
  if (!Number.isInteger(i) || i < 0 || i >= columns) throw new DataFormatError(file, `line ${line}`, `label column ${spec} is outside the ${columns} columns`);
  return i;
}

function inferSquareShape(pixels: number, file: string): Shape {
  const side = Math.round(Math.sqrt(pixels));
  if (side * side !== pixels) {
    throw new DataFormatError(file, undefined, `cannot infer the image shape from ${pixels} pixel columns (not a square): give the shape (channels x height x width)`);
  }
  return { d: 1, a: side, b: side };
}
