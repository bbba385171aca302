/**
 * Recognises the workbench's preprocessing ((x - offset) * scale - mean) / std in the element-wise
 * Sub / Mul / Div nodes with constant operands that open an imported ONNX graph (as onnxExport
 * writes them, and as PyTorch exports the script's Preprocess module).
 */
import type { Preprocessing } from '../data/preprocessing';
import { shapeSize, type Shape } from '../graph/shape';
import { nchwToVec } from './layout';
import { shortestFloat32, type ConstantTensor } from './onnxValues';

interface Grouped {
  perPixel: boolean;
  /** per pixel: d a b values in vec order; per channel: d values */
  values: number[];
}

/** Which part a node is, when its name says so (the workbench's export names them preprocess/<part>). */
export type PreprocessingPart = 'offset' | 'scale' | 'mean' | 'std';

export class PreprocessingMatcher {
  private offset = 0;
  private scale = 1;
  /** What may come next: an offset, a scale, a mean (after which only a std), nothing. */
  private stage: 'offset' | 'scale' | 'std' | 'done' = 'offset';
  private mean: Grouped | null = null;
  private std: Grouped | null = null;
  private seen = false;

  constructor(private readonly input: Shape) {}

  /** Per channel or per pixel values of a constant that broadcasts over N x C x H x W, or null. */
  private grouped(c: ConstantTensor): Grouped | null {
    const { d, a, b } = this.input;
    if (c.values.length === 1) return { perPixel: false, values: new Array<number>(d).fill(c.values[0]) };
    const dims = c.dims.length === 4 && c.dims[0] === 1 ? c.dims.slice(1) : c.dims;
    if (dims.length !== 3 || dims[0] !== d) return null;
    if (dims[1] === 1 && dims[2] === 1) return { perPixel: false, values: Array.from(c.values) };
    if (dims[1] === a && dims[2] === b) return { perPixel: true, values: Array.from(nchwToVec(c.values, this.input, 1)) };
    return null;
  }

  /** Takes one `x op c` node; returns why it does not fit, or null. */
  step(op: string, c: ConstantTensor, hint: PreprocessingPart | null): string | null {
    this.seen = true;
    const { d, a, b } = this.input;
    const scalar = c.values.length === 1;
    const expected = `expected a scalar, 1x${d}x1x1 or 1x${d}x${a}x${b}`;
    if (op === 'Sub' && scalar && this.stage === 'offset' && (hint === null || hint === 'offset')) {
      this.offset = c.values[0];
      this.stage = 'scale';
      return null;
    }
    if ((op === 'Mul' || op === 'Div') && scalar && (this.stage === 'offset' || this.stage === 'scale') && hint !== 'std') {
      if (op === 'Div' && c.values[0] === 0) return 'divides by 0';
      this.scale *= op === 'Mul' ? c.values[0] : 1 / c.values[0];
      this.stage = 'scale';
      return null;
    }
    if (op === 'Sub' && (this.stage === 'offset' || this.stage === 'scale')) {
      this.mean = this.grouped(c);
      if (!this.mean) return `subtracts a constant of dims ${c.dims.join('x')}: ${expected}`;
      this.stage = 'std';
      return null;
    }
    if (op === 'Div' && this.stage === 'std') {
      this.std = this.grouped(c);
      if (!this.std) return `divides by a constant of dims ${c.dims.join('x')}: ${expected}`;
      if (this.std.values.some((v) => !(v > 0))) return 'divides by values that are not all positive (a standard deviation is)';
      this.stage = 'done';
      return null;
    }
    return `${op} here does not fit the preprocessing ((x - offset) * scale - mean) / std`;
  }

  /** The preprocessing collected, or undefined when there was none (or it does nothing). */
  result(): Preprocessing | undefined {
    if (!this.seen) return undefined;
    const identity = this.offset === 0 && this.scale === 1 && (this.mean?.values ?? []).every((v) => v === 0) && (this.std?.values ?? []).every((v) => v === 1);
    if (identity) return undefined; // e.g. PyTorch's export of an unfitted Preprocess module
    const input = this.input;
    const size = shapeSize(input);
    const expand = (g: Grouped): Grouped => (g.perPixel ? g : { perPixel: true, values: Array.from({ length: size }, (_, v) => g.values[v % input.d]) });
    let mean = this.mean;
    let std = this.std;
    if (mean && std && mean.perPixel !== std.perPixel) {
      mean = expand(mean);
      std = expand(std);
    }
    // The constants were float32: write the shortest decimals that are the same float32 values.
    return {
      format: 'cnnwb-preprocessing',
      version: 1,
      shape: { ...input },
      offset: shortestFloat32(this.offset),
      scale: shortestFloat32(this.scale),
      mean: mean ? (mean.perPixel ? 'per-pixel' : 'per-channel') : 'none',
      meanValues: mean ? mean.values.map(shortestFloat32) : [],
      standardize: std !== null,
      stdValues: std ? std.values.map(shortestFloat32) : [],
    };
  }
}
