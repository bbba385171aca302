/** Collects the nodes, initialisers and tensor names of one ONNX graph as it is built. */
import { ATTR_FLOAT, ATTR_INT, ATTR_INTS, ONNX_FLOAT, ONNX_INT64, type OnnxAttribute, type OnnxNode, type OnnxTensor } from './onnxSchema';

/** Little-endian float32 bytes, as ONNX raw_data stores them on every platform. */
export function float32Bytes(values: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return bytes;
}

export const attrInts = (name: string, ints: number[]): OnnxAttribute => ({ name, type: ATTR_INTS, ints });
export const attrInt = (name: string, i: number): OnnxAttribute => ({ name, type: ATTR_INT, i });
export const attrFloat = (name: string, f: number): OnnxAttribute => ({ name, type: ATTR_FLOAT, f });

export class OnnxGraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];

  floatInitializer(name: string, dims: number[], values: ArrayLike<number>): string {
    const size = dims.reduce((n, d) => n * d, 1);
    if (size !== values.length) throw new Error(`ONNX initialiser "${name}": dims ${dims.join('x')} hold ${size} values, got ${values.length}`);
    this.initializers.push({ name, dims, dataType: ONNX_FLOAT, rawData: float32Bytes(values) });
    return name;
  }

  int64Initializer(name: string, values: number[]): string {
    this.initializers.push({ name, dims: [values.length], dataType: ONNX_INT64, int64Data: values });
    return name;
  }

  /** Adds a node with one output named `output` and returns that name. */
  node(opType: string, name: string, inputs: string[], output: string, attribute: OnnxAttribute[] = []): string {
    this.nodes.push({ name, opType, input: inputs, output: [output], attribute });
    return output;
  }

  /** Renames a tensor everywhere (used to give the final tensor its public name). */
  rename(from: string, to: string): void {
    for (const n of this.nodes) {
      n.input = n.input.map((t) => (t === from ? to : t));
      n.output = n.output.map((t) => (t === from ? to : t));
    }
  }
}
