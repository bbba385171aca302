/**
 * Hands out 64-byte-aligned blocks of the one shared WebAssembly.Memory, growing it as needed.
 * Blocks live until the arena is reset: the engine allocates once per network and batch size.
 */
import { MAXIMUM_PAGES, RESERVED_BYTES } from './kernelModule';

const PAGE = 65536;
const ALIGN = 64;

export class Arena {
  private top = RESERVED_BYTES;
  private f32View: Float32Array;
  private i32View: Int32Array;

  constructor(readonly memory: WebAssembly.Memory) {
    this.f32View = new Float32Array(memory.buffer);
    this.i32View = new Int32Array(memory.buffer);
  }

  /** Returns the byte offset of a new zeroed block of `bytes` bytes. */
  allocate(bytes: number): number {
    const at = this.top;
    const end = at + Math.ceil(Math.max(bytes, 4) / ALIGN) * ALIGN;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / PAGE);
      if (have / PAGE + pages > MAXIMUM_PAGES) {
        throw new Error(`wasm-simd: out of memory: ${bytes} bytes requested with ${at} in use, the limit is ${MAXIMUM_PAGES * PAGE} bytes`);
      }
      this.memory.grow(pages);
    }
    this.top = end;
    this.f32().fill(0, at >> 2, end >> 2);
    return at;
  }

  get bytesInUse(): number {
    return this.top;
  }

  /** A Float32Array over the whole memory (renewed after growth). */
  f32(): Float32Array {
    if (this.f32View.buffer.byteLength !== this.memory.buffer.byteLength) this.f32View = new Float32Array(this.memory.buffer);
    return this.f32View;
  }

  i32(): Int32Array {
    if (this.i32View.buffer.byteLength !== this.memory.buffer.byteLength) this.i32View = new Int32Array(this.memory.buffer);
    return this.i32View;
  }
}
