/** Reading the values of ONNX tensors and attributes (decoded with onnxSchema's decodeOnnxModel). */
import { ATTR_FLOAT, ATTR_FLOATS, ATTR_INT, ATTR_INTS, ATTR_STRING, ATTR_TENSOR, ONNX_DOUBLE, ONNX_FLOAT, ONNX_INT64, type OnnxAttribute, type OnnxNode, type OnnxTensor } from './onnxSchema';

export interface ConstantTensor {
  dims: number[];
  values: Float64Array;
}

const INT32 = 6;

/** The values of a tensor as float64, or a sentence saying why they cannot be read. */
export function tensorValues(t: OnnxTensor): ConstantTensor | string {
  if (t.dataLocation === 1) return 'its data is stored in an external file, which the import does not read';
  const dims = (t.dims ?? []).map(Number);
  const bad = dims.find((d) => !Number.isSafeInteger(d) || d < 0);
  if (bad !== undefined) return `dimension ${bad} in dims [${dims.join(', ')}] is not a whole number >= 0`;
  const size = dims.reduce((n, d) => n * d, 1);
  const raw = t.rawData && t.rawData.length > 0 ? t.rawData : null;
  const view = raw ? new DataView(raw.buffer, raw.byteOffset, raw.byteLength) : null;
  // The lengths are compared before anything is allocated, so the file's own size bounds the allocation.
  let values = new Float64Array(0);
  const fill = (bytesPer: number, read: (offset: number) => number, listed: number[] | undefined): string | null => {
    if (view) {
      if (view.byteLength !== size * bytesPer) return `its raw data holds ${view.byteLength} bytes, dims ${dims.join('x')} need ${size * bytesPer}`;
      values = new Float64Array(size);
      for (let i = 0; i < size; i++) values[i] = read(i * bytesPer);
      return null;
    }
    const list = listed ?? [];
    if (list.length !== size) return `it holds ${list.length} values, dims ${dims.join('x') || 'scalar'} need ${size}`;
    values = new Float64Array(size);
    for (let i = 0; i < size; i++) values[i] = Number(list[i]);
    return null;
  };
  let problem: string | null;
  switch (t.dataType) {
    case ONNX_FLOAT:
      problem = fill(4, (o) => view!.getFloat32(o, true), t.floatData);
      break;
    case ONNX_DOUBLE:
      problem = fill(8, (o) => view!.getFloat64(o, true), t.doubleData);
      break;
    case ONNX_INT64:
      problem = fill(8, (o) => Number(view!.getBigInt64(o, true)), t.int64Data);
      break;
    case INT32:
      problem = fill(4, (o) => view!.getInt32(o, true), t.int32Data);
      break;
    default:
      problem = `its data type ${t.dataType} is not float, double, int32 or int64`;
  }
  return problem ?? { dims, values };
}

/** The tensor a Constant node outputs, or why it cannot be read. */
export function constantNodeValue(node: OnnxNode): ConstantTensor | string {
  const attr = (node.attribute ?? [])[0];
  if (!attr || (node.attribute ?? []).length !== 1) return 'a Constant node needs exactly one attribute';
  switch (attr.name) {
    case 'value':
      return attr.t ? tensorValues(attr.t) : 'its value attribute holds no tensor';
    case 'value_float':
      return { dims: [], values: Float64Array.of(attr.f ?? 0) };
    case 'value_int':
      return { dims: [], values: Float64Array.of(Number(attr.i ?? 0)) };
    case 'value_floats':
      return { dims: [(attr.floats ?? []).length], values: Float64Array.from(attr.floats ?? []) };
    case 'value_ints':
      return { dims: [(attr.ints ?? []).length], values: Float64Array.from((attr.ints ?? []).map(Number)) };
    default:
      return `its attribute "${attr.name}" is not a number or tensor`;
  }
}

/** The shortest decimal that is the same float32: ONNX stores float attributes as float32, the graph file writes decimals. */
export function shortestFloat32(value: number): number {
  const target = Math.fround(value);
  for (let digits = 1; digits < 10; digits++) {
    const candidate = Number(target.toPrecision(digits));
    if (Math.fround(candidate) === target) return candidate;
  }
  return target;
}

/** Typed access to a node's attributes, with defaults. */
export class NodeAttributes {
  private readonly byName: Map<string, OnnxAttribute>;

  constructor(readonly node: OnnxNode) {
    this.byName = new Map((node.attribute ?? []).map((a) => [a.name, a]));
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  int(name: string, fallback: number): number {
    const a = this.byName.get(name);
    return a && (a.type === ATTR_INT || a.i !== undefined) ? Number(a.i ?? 0) : fallback;
  }

  float(name: string, fallback: number): number {
    const a = this.byName.get(name);
    return a && (a.type === ATTR_FLOAT || a.f !== undefined) ? shortestFloat32(a.f ?? 0) : fallback;
  }

  ints(name: string): number[] | null {
    const a = this.byName.get(name);
    return a && (a.type === ATTR_INTS || a.ints !== undefined) ? (a.ints ?? []).map(Number) : null;
  }

  floats(name: string): number[] | null {
    const a = this.byName.get(name);
    return a && (a.type === ATTR_FLOATS || a.floats !== undefined) ? (a.floats ?? []) : null;
  }

  string(name: string): string | null {
    const a = this.byName.get(name);
    return a && (a.type === ATTR_STRING || a.s !== undefined) ? new TextDecoder().decode(a.s ?? new Uint8Array()) : null;
  }

  tensor(name: string): OnnxTensor | null {
    const a = this.byName.get(name);
    return a && (a.type === ATTR_TENSOR || a.t !== undefined) ? (a.t ?? null) : null;
  }
}
