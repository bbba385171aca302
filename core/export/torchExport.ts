/**
 * Export of a design as a PyTorch project: train.py (core/export/torchScript.ts) and, when the
 * model has weights, weights.json + weights.bin (core/export/torchWeights.ts) that it loads with
 * --weights.
 */
import { FASHION_MNIST_DIR } from '../data/fashion-mnist';
import type { NetworkSpec } from '../graph/compile';
import type { LoadedModel } from '../model/modelFile';
import { DEFAULT_TRAINING_CONFIG, type TrainingConfig } from '../train/config';
import { moduleNames } from './pythonNames';
import { torchScript } from './torchScript';
import { torchWeightFiles } from './torchWeights';

export interface TorchExportInput {
  spec: NetworkSpec;
  graphName: string;
  /** The weights (and preprocessing) to write beside the script; absent: the script initialises. */
  model?: LoadedModel;
  config?: TrainingConfig;
  dataDir?: string;
}

/** File name -> contents of the exported project. */
export function exportTorch({ spec, graphName, model, config = DEFAULT_TRAINING_CONFIG, dataDir = FASHION_MNIST_DIR }: TorchExportInput): Map<string, string | Uint8Array> {
  const modules = moduleNames(spec);
  const files = new Map<string, string | Uint8Array>();
  files.set('train.py', torchScript({ spec, graphName, modules, config, dataDir }));
  if (model) {
    const { manifest, data } = torchWeightFiles(model, modules, 'weights.bin');
    files.set('weights.json', manifest);
    files.set('weights.bin', data);
  }
  return files;
}
