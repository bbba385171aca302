/**
 * TensorFlow.js's wasm backend (4.22) has no Conv2DBackpropFilter kernel, so a conv net cannot
 * train on it. This registers one built from im2col-style slices and matrix products:
 * dW[i, j, :, :] = patches(x)_{i,j}^T dy over all N*OH*OW positions, one matMul per window offset.
 * Only what the benchmark's model needs: NHWC, dilation 1, 'same'/'valid'/numeric padding.
 */
import * as tf from '@tensorflow/tfjs-core';

interface Attrs {
  strides: number | [number, number];
  pad: 'same' | 'valid' | number;
  filterShape: [number, number, number, number];
  dataFormat?: string;
  dilations?: number | [number, number];
}

type HeapBackend = tf.KernelBackend & {
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  incRef(dataId: tf.DataId): void;
};

/** A Tensor over a kernel input's data; it holds its own reference, so disposing it frees nothing the caller owns. */
function borrow(info: tf.TensorInfo, backend: HeapBackend): tf.Tensor {
  backend.incRef(info.dataId);
  return tf.engine().makeTensorFromTensorInfo(info, backend);
}

function padAmount(pad: Attrs['pad'], size: number, h: number, stride: number, outSize: number): number {
  if (typeof pad === 'number') return pad;
  if (pad === 'valid') return 0;
  return Math.floor(Math.max(0, (outSize - 1) * stride + h - size) / 2);
}

export function registerConv2dBackpropFilterShim(backendName: string): void {
  if (tf.getKernel('Conv2DBackpropFilter', backendName)) return;
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const a = attrs as unknown as Attrs;
      if (a.dataFormat && a.dataFormat !== 'NHWC') throw new Error(`Conv2DBackpropFilter shim: only NHWC (got ${a.dataFormat})`);
      const dil = a.dilations ?? 1;
      if ((Array.isArray(dil) ? dil : [dil, dil]).some((d) => d !== 1)) throw new Error('Conv2DBackpropFilter shim: dilation must be 1');
      const [sh, sw] = Array.isArray(a.strides) ? a.strides : [a.strides, a.strides];
      const [fh, fw, inC, outC] = a.filterShape;
      const b = backend as HeapBackend;
      const x = borrow(inputs.x as tf.TensorInfo, b) as tf.Tensor4D;
      const dy = borrow(inputs.dy as tf.TensorInfo, b) as tf.Tensor4D;
      const [n, h, w] = x.shape;
      const [, oh, ow] = dy.shape;
      const top = padAmount(a.pad, h, fh, sh, oh);
      const left = padAmount(a.pad, w, fw, sw, ow);
      const dW = tf.tidy(() => {
        const xPad = tf.pad(x, [[0, 0], [top, Math.max(0, (oh - 1) * sh + fh - h - top)], [left, Math.max(0, (ow - 1) * sw + fw - w - left)], [0, 0]]);
        const dyMat = tf.reshape(dy, [n * oh * ow, outC]);
        const blocks: tf.Tensor[] = [];
        for (let i = 0; i < fh; i++)
          for (let j = 0; j < fw; j++) {
            const patch = tf.stridedSlice(xPad, [0, i, j, 0], [n, i + (oh - 1) * sh + 1, j + (ow - 1) * sw + 1, inC], [1, sh, sw, 1]);
            blocks.push(tf.matMul(tf.reshape(patch, [n * oh * ow, inC]), dyMat, true, false));
          }
        return tf.reshape(tf.stack(blocks), [fh, fw, inC, outC]);
      });
      const out = b.makeOutput([fh, fw, inC, outC], 'float32');
      b.typedArrayFromHeap(out).set(dW.dataSync());
      tf.dispose([x, dy, dW]);
      return out;
    },
  });
}
