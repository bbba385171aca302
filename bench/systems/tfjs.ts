/**
 * TensorFlow.js (tfjs-core 4.22 with its cpu or wasm backend) training the same model, batch and
 * optimizer (see tfjsModel.ts). The wasm backend gets the Conv2DBackpropFilter shim.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BenchData } from '../benchData';
import { IMAGE } from '../benchData';
import { median, timeSteps, type TimingOptions } from '../stepTimer';
import { registerConv2dBackpropFilterShim } from './conv2dBackpropFilterShim';
import type { SystemResult } from './result';
import { createTfjsTrainer } from './tfjsModel';

export async function runTfjs(which: 'cpu' | 'wasm', data: BenchData, batch: number, lr: number, timing: TimingOptions): Promise<Omit<SystemResult, 'peakRssMB'>> {
  const notes: string[] = [];
  let description: string;
  if (which === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(new URL('../../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url).pathname);
    await tf.setBackend('wasm');
    await tf.ready();
    registerConv2dBackpropFilterShim('wasm');
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    description = `tfjs-backend-wasm 4.22 (${simd ? 'simd' : 'no simd'}, ${wasm.getThreadsCount()} thread${wasm.getThreadsCount() === 1 ? '' : 's'})`;
    notes.push('Conv2DBackpropFilter shimmed (im2col slices + matMul, bench/systems/conv2dBackpropFilterShim.ts): tfjs-backend-wasm has no such kernel');
  } else {
    await import('@tensorflow/tfjs-backend-cpu');
    await tf.setBackend('cpu');
    await tf.ready();
    description = 'tfjs-backend-cpu 4.22 (plain JavaScript)';
  }
  // NHWC tensors of every batch, made before timing: vec layout r + 28c -> NHWC r*28 + c.
  const batches: { x: tf.Tensor4D; y: tf.Tensor2D }[] = [];
  const count = Math.floor(data.count / batch);
  for (let b = 0; b < count; b++) {
    const nhwc = new Float32Array(batch * IMAGE.a * IMAGE.b);
    for (let i = 0; i < batch; i++)
      for (let c = 0; c < IMAGE.b; c++)
        for (let r = 0; r < IMAGE.a; r++) nhwc[(i * IMAGE.a + r) * IMAGE.b + c] = data.x[(b * batch + i) * IMAGE.a * IMAGE.b + r + IMAGE.a * c];
    const labels = tf.tensor1d(data.labels.subarray(b * batch, (b + 1) * batch), 'int32');
    batches.push({ x: tf.tensor4d(nhwc, [batch, IMAGE.a, IMAGE.b, IMAGE.d]), y: tf.cast(tf.oneHot(labels, 10), 'float32') as tf.Tensor2D });
    labels.dispose();
  }
  const trainer = createTfjsTrainer(lr, 1);
  let t = 0;
  let loss = NaN;
  let firstLoss = NaN;
  const step = () => {
    const b = batches[t++ % batches.length];
    loss = trainer.step(b.x, b.y);
    if (Number.isNaN(firstLoss)) firstLoss = loss;
  };
  const timed = timeSteps(step, timing);
  const msPerStep = median(timed.runMs) / timed.stepsPerRun;
  return {
    system: `tfjs-${which}`,
    description,
    batch,
    imagesPerSecond: (batch * 1000) / msPerStep,
    msPerStep,
    runMs: timed.runMs,
    stepsPerRun: timed.stepsPerRun,
    warmupMs: timed.warmupMs,
    firstLoss,
    lastLoss: loss,
    notes,
  };
}
