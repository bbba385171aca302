/**
 * Everything a training run needs, from a request that is plain data (so it can cross to a worker):
 * the compiled graph, the data loaded, split and preprocessed, the backend, the network initialised
 * (or loaded, or restored from a checkpoint) and the trainer.
 */
import type { ComputeBackend } from '../compute/backend';
import { chooseBackend } from '../compute/registry';
import { subsetDataset, type Dataset } from '../data/dataset';
import { applyPreprocessing, checkPreprocessing, fitPreprocessing, type Preprocessing } from '../data/preprocessing';
import { loadDataSource, type DataSourceSpec } from '../data/sources';
import { splitTrainValidation } from '../data/split';
import { Network } from '../engine/network';
import { defaultMemoryLimit } from '../engine/memoryLimit';
import { compileGraph, type NetworkSpec } from '../graph/compile';
import type { GraphFile } from '../graph/format';
import type { StoredParameter, TrainerCheckpoint } from './checkpoint';
import { resolveTrainingConfig, type TrainingConfig, type TrainingConfigInput } from './config';
import { updateBatchSize } from './createOptimizer';
import type { TrainingEvent } from './events';
import { parameterValues, Trainer } from './trainer';

export interface TrainingRequest {
  graph: GraphFile;
  /** 'fashion-mnist', 'sample', or a path / explicit source (see core/data/sources.ts). */
  data: DataSourceSpec;
  /** Where the test split comes from; default: the same source's test split when it has one. */
  testData?: DataSourceSpec | null;
  /** Resize images of another size to the input's (otherwise a size mismatch is an error). */
  resize?: boolean;
  config: TrainingConfigInput;
  /** 'auto' (default) or a backend name (core/compute/registry.ts). */
  backend?: string;
  /** Start from these weights instead of the seeded initialisation (a model file's). */
  initialParameters?: StoredParameter[];
  /** Use this preprocessing instead of fitting one (a model's, or a resumed run's). */
  preprocessing?: Preprocessing;
  /** Continue a run from this checkpoint (same graph, data and config). */
  resumeFrom?: TrainerCheckpoint;
  /** Instances per chunk of the forward/backward pass (memory bound); default min(batch, 256). */
  chunkSize?: number;
}

export interface PreparedTraining {
  spec: NetworkSpec;
  config: TrainingConfig;
  backend: ComputeBackend;
  network: Network;
  train: Dataset;
  validation: Dataset | null;
  test: Dataset | null;
  preprocessing: Preprocessing;
  /** Fingerprint of the raw training source (before the split), for the store. */
  dataFingerprint: string;
  dataSource: string;
  trainer: Trainer;
}

export class TrainingSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainingSetupError';
  }
}

async function loadTestSplit(request: TrainingRequest, spec: NetworkSpec): Promise<Dataset | null> {
  const options = { split: 'test' as const, expectShape: spec.input, classes: spec.classes, resize: request.resize };
  if (request.testData === null) return null;
  if (request.testData !== undefined) return loadDataSource(request.testData, options);
  if (request.data === 'fashion-mnist' || request.data === 'sample') return loadDataSource(request.data, options);
  return null;
}

export async function prepareTraining(request: TrainingRequest, onEvent: (e: TrainingEvent) => void): Promise<PreparedTraining> {
  const compiled = compileGraph(request.graph);
  if (!compiled.ok) throw new TrainingSetupError(`the graph cannot be trained: ${compiled.errors.map((e) => e.message).join('; ')}`);
  const spec = compiled.network!;
  const config = resolveTrainingConfig(request.config);
  const full = await loadDataSource(request.data, { split: 'train', expectShape: spec.input, classes: spec.classes, resize: request.resize });
  const test = await loadTestSplit(request, spec);
  const split = splitTrainValidation(full.count, config.validationFraction, config.seed);
  const preprocessing = request.preprocessing
    ? checkPreprocessing(request.preprocessing, 'preprocessing', spec.input)
    : fitPreprocessing(full, config.preprocessing, split.train);
  const train = subsetDataset(full, split.train, 'train split');
  const validation = split.validation.length > 0 ? subsetDataset(full, split.validation, 'validation split') : null;
  for (const d of [train, validation, test]) if (d) {
    applyPreprocessing(preprocessing, d.x);
    d.preprocessing = preprocessing;
  }
  const batch = updateBatchSize(config, train.count);
  const capacity = request.chunkSize ?? Math.min(batch, 256);
  // What the network, the batch and the optimiser will take, checked before any of it is allocated.
  const limit = defaultMemoryLimit();
  const sized = compileGraph(request.graph, {
    batch,
    chunk: capacity,
    optimizer: config.optimizer,
    averaging: config.averageDecay > 0,
    subsampleFraction: config.newton.subsampleFraction,
    memoryLimit: limit.bytes,
    memoryLimitName: limit.name,
  });
  if (!sized.ok) throw new TrainingSetupError(sized.errors.map((e) => e.message).join('; '));
  const backend = await chooseBackend(request.backend);
  const network = new Network(spec, backend, { batchCapacity: capacity, memoryLimit: limit });
  if (request.initialParameters) network.setParameters(parameterValues(network, request.initialParameters));
  else network.initialize(config.seed);
  const trainer = new Trainer({ network, config, train, validation, test, onEvent, resumeFrom: request.resumeFrom });
  return { spec, config, backend, network, train, validation, test, preprocessing, dataFingerprint: full.fingerprint, dataSource: full.source, trainer };
}
