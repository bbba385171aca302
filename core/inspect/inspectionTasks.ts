/**
 * The inspections the app asks for, as plain-data tasks (so they can run in a worker thread):
 * a graph, the weights and preprocessing to use (null: He initialisation of seed 1 and the
 * default preprocessing fitted on the data), the data source, and what to look at.
 */
import type { DataSourceSpec } from '../data/sources';
import type { GraphFile } from '../graph/format';
import { activationMaps, convFilters, deadReluUnits, type ConvFilters, type DeadUnits, type LayerActivation } from './activations';
import { checkLayerGradient, type LayerGradientCheck } from './gradientCheck';
import { InspectionDataCache } from './inspectionData';
import { buildInspectionNetwork, compileForInspection, type LayerParameterValues } from './inspectionNetwork';
import { vectorFormView, type VectorFormView } from './vectorForm';
import type { LectureInstance, LectureStepCheck, LectureWalk } from '../api/lecture';
import { lectureWalk } from './lecture/lectureWalk';
import { checkLectureStep } from './lecture/stepCheck';
import type { NetworkSpec } from '../graph/compile';

/** Instances a dead-ReLU count looks at. */
export const DEAD_RELU_BATCH = 32;
export const MAX_CHECK_BATCH = 16;

interface TaskBase {
  graph: GraphFile;
  weights: LayerParameterValues[] | null;
  preprocessing: unknown | null;
  data: DataSourceSpec;
}

export type InspectionTask =
  | (TaskBase & { kind: 'gradientCheck'; nodeId: string; batchSize: number })
  | (TaskBase & { kind: 'vectorForm'; nodeId: string; sample: number })
  | (TaskBase & { kind: 'inspectNetwork'; sample: number })
  | (TaskBase & { kind: 'lecture'; instance: LectureInstance })
  | (TaskBase & { kind: 'lectureCheck'; instance: LectureInstance; stepId: string });

export interface NetworkInspectionResult {
  sample: number;
  label: number;
  predicted: number;
  activations: LayerActivation[];
  deadUnits: DeadUnits[];
  filters: ConvFilters[];
}

export type InspectionResult<T extends InspectionTask> = T extends { kind: 'gradientCheck' }
  ? LayerGradientCheck & { ms: number }
  : T extends { kind: 'vectorForm' }
    ? VectorFormView & { sample: number }
    : T extends { kind: 'lecture' }
      ? LectureWalk & { instance: string }
      : T extends { kind: 'lectureCheck' }
        ? LectureStepCheck & { ms: number }
        : NetworkInspectionResult;

/** The instance's values and label, and how the UI names it. */
async function lectureInstance(cache: InspectionDataCache, task: TaskBase & { instance: LectureInstance }, spec: NetworkSpec) {
  const instance = task.instance;
  if (instance?.kind === 'image') {
    const batch = await cache.image(task.data, spec, instance, task.preprocessing);
    return { batch, name: `uploaded image${instance.name ? ` ${instance.name}` : ''}, label ${instance.label}` };
  }
  const index = Number(instance?.index);
  const batch = await cache.batch(task.data, spec, [index], task.preprocessing);
  return { batch, name: `training instance ${index}, label ${batch.labels[0]}${batch.classNames ? ` (${batch.classNames[batch.labels[0]]})` : ''}` };
}

export async function runInspectionTask(cache: InspectionDataCache, task: InspectionTask): Promise<unknown> {
  const started = performance.now();
  const spec = compileForInspection(task.graph);
  switch (task.kind) {
    case 'gradientCheck': {
      const count = Math.max(1, Math.min(MAX_CHECK_BATCH, Math.floor(Number(task.batchSize) || 4)));
      const batch = await cache.batch(task.data, spec, Array.from({ length: count }, (_, i) => i), task.preprocessing);
      const network = buildInspectionNetwork(spec, count, task.weights);
      return { ...checkLayerGradient(network, task.nodeId, batch.x, batch.labels, count), ms: performance.now() - started };
    }
    case 'vectorForm': {
      const batch = await cache.batch(task.data, spec, [task.sample], task.preprocessing);
      const network = buildInspectionNetwork(spec, 1, task.weights);
      return { ...vectorFormView(network, task.nodeId, batch.x, batch.labels[0]), sample: task.sample };
    }
    case 'inspectNetwork': {
      const one = await cache.batch(task.data, spec, [task.sample], task.preprocessing);
      const network = buildInspectionNetwork(spec, DEAD_RELU_BATCH, task.weights);
      const activations = activationMaps(network, one.x);
      const scores = activations[activations.length - 1].values;
      const many = await cache.batch(task.data, spec, Array.from({ length: DEAD_RELU_BATCH }, (_, i) => i), task.preprocessing);
      return {
        sample: task.sample,
        label: one.labels[0],
        predicted: scores.indexOf(Math.max(...scores)),
        activations,
        deadUnits: deadReluUnits(network, many.x, DEAD_RELU_BATCH),
        filters: spec.layers.filter((l) => l.kind === 'conv').map((l) => convFilters(network, l.nodeId)),
      } satisfies NetworkInspectionResult;
    }
    case 'lecture': {
      const { batch, name } = await lectureInstance(cache, task, spec);
      const network = buildInspectionNetwork(spec, 1, task.weights);
      return { ...lectureWalk(network, batch.x, batch.labels[0], task.graph.name), instance: name };
    }
    case 'lectureCheck': {
      const { batch } = await lectureInstance(cache, task, spec);
      const network = buildInspectionNetwork(spec, 1, task.weights);
      const walk = lectureWalk(network, batch.x, batch.labels[0], task.graph.name);
      return { ...checkLectureStep(network, batch.x, batch.labels[0], walk, task.stepId), ms: performance.now() - started };
    }
    default:
      throw new Error(`unknown inspection ${(task as { kind: string }).kind}`);
  }
}
