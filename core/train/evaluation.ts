/** Accuracy, per-class accuracy, the confusion matrix and the misclassified instances of a data set. */
import type { Dataset } from '../data/dataset';
import { lossAndGradient } from '../engine/loss';
import type { Network } from '../engine/network';

export interface MisclassifiedInstance {
  /** Index of the instance in the evaluated data set. */
  index: number;
  predicted: number;
  actual: number;
}

export interface EvaluationResult {
  count: number;
  accuracy: number;
  meanLoss: number;
  perClassAccuracy: number[];
  /** confusion[actual][predicted] = count */
  confusion: number[][];
  misclassified: MisclassifiedInstance[];
}

/** At most this many misclassified instances are listed (the counts are always complete). */
export const MISCLASSIFIED_LIMIT = 1000;

export function evaluateDataset(network: Network, data: Pick<Dataset, 'x' | 'labels' | 'count'>): EvaluationResult {
  const classes = network.classes;
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  const misclassified: MisclassifiedInstance[] = [];
  let lossSum = 0;
  const size = network.inputSize;
  for (let start = 0; start < data.count; start += network.capacity) {
    const n = Math.min(network.capacity, data.count - start);
    const z = network.scores(data.x.subarray(start * size, (start + n) * size), n);
    const labels = data.labels.subarray(start, start + n);
    lossSum += lossAndGradient(network.spec.loss, z, labels, n, classes, 1, null).lossSum;
    for (let i = 0; i < n; i++) {
      let predicted = 0;
      for (let j = 1; j < classes; j++) if (z[i * classes + j] > z[i * classes + predicted]) predicted = j;
      const label = labels[i];
      confusion[label][predicted]++;
      if (predicted !== label && misclassified.length < MISCLASSIFIED_LIMIT) misclassified.push({ index: start + i, predicted, actual: label });
    }
  }
  let correct = 0;
  const perClassAccuracy = confusion.map((row, c) => {
    correct += row[c];
    const total = row.reduce((s, v) => s + v, 0);
    return total === 0 ? 0 : row[c] / total;
  });
  return { count: data.count, accuracy: data.count === 0 ? 0 : correct / data.count, meanLoss: data.count === 0 ? 0 : lossSum / data.count, perClassAccuracy, confusion, misclassified };
}
