/**
 * The benchmark's model in TensorFlow.js (tfjs-core ops, no layers API): the 3-layer simpleNN
 * template (conv 5x5x32 pad 2, conv 3x3x64 pad 1, conv 3x3x64 pad 1, each relu + 2x2 max pool,
 * then a linear fully-connected layer to 10 classes), squared loss ||z - y||^2 averaged over the
 * batch, plain SGD. He-initialised like the engine. Input NHWC [N, 28, 28, 1].
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadTfjsGradients } from './tfjsGradients';

loadTfjsGradients();

export interface TfjsTrainer {
  step(x: tf.Tensor4D, yOneHot: tf.Tensor2D): number;
}

export function createTfjsTrainer(lr: number, seed: number): TfjsTrainer {
  const he = (shape: number[], fanIn: number) => tf.variable(tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', seed++));
  const w1 = he([5, 5, 1, 32], 25);
  const b1 = tf.variable(tf.zeros([32]));
  const w2 = he([3, 3, 32, 64], 288);
  const b2 = tf.variable(tf.zeros([64]));
  const w3 = he([3, 3, 64, 64], 576);
  const b3 = tf.variable(tf.zeros([64]));
  const w4 = he([3 * 3 * 64, 10], 576);
  const b4 = tf.variable(tf.zeros([10]));
  const optimizer = tf.train.sgd(lr);
  const block = (z: tf.Tensor4D, w: tf.Variable, b: tf.Variable) => tf.maxPool(tf.relu(tf.add(tf.conv2d(z, w as tf.Tensor4D, 1, 'same'), b)) as tf.Tensor4D, 2, 2, 'valid');
  return {
    step(x, y) {
      let value = NaN;
      tf.tidy(() => {
        const loss = optimizer.minimize(() => {
          const z3 = block(block(block(x, w1, b1), w2, b2), w3, b3);
          const scores = tf.add(tf.matMul(tf.reshape(z3, [x.shape[0], 3 * 3 * 64]), w4), b4);
          return tf.div(tf.sum(tf.square(tf.sub(scores, y))), x.shape[0]) as tf.Scalar;
        }, true);
        value = loss!.dataSync()[0];
      });
      return value;
    },
  };
}
