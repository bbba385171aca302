/**
 * The inspection calls: gradient check, vector-form view, activations/filters/dead ReLUs and the
 * gradient flow of a run. Networks are built on the float64 reference backend with a run's latest
 * checkpoint (or the He initialisation of seed 1), on a few preprocessed training instances.
 */
import type { GradientCheckResult, GradientFlowData, InspectTarget, NetworkInspection, VectorFormData } from '../api/contract';
import type { DataSourceSpec } from '../data/sources';
import { parseGraph, parseGraphText } from '../graph/parse';
import { activationMaps, convFilters, deadReluUnits } from '../inspect/activations';
import { checkLayerGradient } from '../inspect/gradientCheck';
import { gradientFlow } from '../inspect/gradientFlow';
import { InspectionDataCache } from '../inspect/inspectionData';
import { buildInspectionNetwork, compileForInspection, type LayerParameterValues } from '../inspect/inspectionNetwork';
import { vectorFormView } from '../inspect/vectorForm';
import { decodeTrainerCheckpoint } from '../store/trainingEvents';
import type { Workspace } from '../store/workspace';

/** Instances a dead-ReLU count looks at. */
const DEAD_RELU_BATCH = 32;
const MAX_CHECK_BATCH = 16;

interface Weights {
  values: LayerParameterValues[] | null;
  preprocessing: unknown | null;
  description: string;
}

export class Inspector {
  private readonly data = new InspectionDataCache();

  constructor(private readonly workspace: Workspace) {}

  private weights(runId: number | null): Weights {
    if (runId === null || runId === undefined) return { values: null, preprocessing: null, description: 'He initialisation, seed 1 (no run chosen)' };
    const run = this.workspace.runs.get(runId);
    if (!run) throw new Error(`no run with id ${runId} in this workspace`);
    const stored = this.workspace.checkpoints.latest(runId);
    const preprocessing = (run.hyperParameters as { preprocessing?: unknown }).preprocessing ?? null;
    if (!stored) return { values: null, preprocessing, description: `run "${run.name}" has no checkpoint yet: He initialisation, seed 1` };
    const checkpoint = decodeTrainerCheckpoint(stored);
    return { values: checkpoint.parameters, preprocessing, description: `run "${run.name}", checkpoint at step ${checkpoint.step}` };
  }

  private target(target: InspectTarget) {
    if (!target || typeof target !== 'object') throw new Error('inspection: give {graph, runId, data}');
    const spec = compileForInspection(parseGraph(target.graph));
    const weights = this.weights(target.runId);
    return { spec, weights, data: target.data as DataSourceSpec };
  }

  async gradientCheck(target: InspectTarget, nodeId: string, batchSize: number): Promise<GradientCheckResult> {
    const started = performance.now();
    const { spec, weights, data } = this.target(target);
    const count = Math.max(1, Math.min(MAX_CHECK_BATCH, Math.floor(Number(batchSize) || 4)));
    const batch = await this.data.batch(data, spec, Array.from({ length: count }, (_, i) => i), weights.preprocessing);
    const network = buildInspectionNetwork(spec, count, weights.values);
    const check = checkLayerGradient(network, nodeId, batch.x, batch.labels, count);
    return { ...check, weights: weights.description, ms: performance.now() - started };
  }

  async vectorForm(target: InspectTarget, nodeId: string, sample: number): Promise<VectorFormData> {
    const { spec, weights, data } = this.target(target);
    const batch = await this.data.batch(data, spec, [sample], weights.preprocessing);
    const network = buildInspectionNetwork(spec, 1, weights.values);
    return { ...vectorFormView(network, nodeId, batch.x, batch.labels[0]), sample, weights: weights.description };
  }

  async inspectNetwork(target: InspectTarget, sample: number): Promise<NetworkInspection> {
    const { spec, weights, data } = this.target(target);
    const one = await this.data.batch(data, spec, [sample], weights.preprocessing);
    const network = buildInspectionNetwork(spec, DEAD_RELU_BATCH, weights.values);
    const activations = activationMaps(network, one.x);
    const scores = activations[activations.length - 1].values;
    const predicted = scores.indexOf(Math.max(...scores));
    const many = await this.data.batch(data, spec, Array.from({ length: DEAD_RELU_BATCH }, (_, i) => i), weights.preprocessing);
    return {
      sample,
      label: one.labels[0],
      predicted,
      activations,
      deadUnits: deadReluUnits(network, many.x, DEAD_RELU_BATCH),
      filters: spec.layers.filter((l) => l.kind === 'conv').map((l) => convFilters(network, l.nodeId)),
      weights: weights.description,
    };
  }

  gradientFlow(runId: number): GradientFlowData {
    const run = this.workspace.runs.get(runId);
    if (!run) throw new Error(`no run with id ${runId} in this workspace`);
    const graph = parseGraphText(run.graphJson);
    let order = graph.nodes.map((n) => n.id);
    try {
      order = compileForInspection(graph).layers.map((l) => l.nodeId);
    } catch {
      // a graph that no longer compiles: keep the file's node order
    }
    return gradientFlow(this.workspace.series.layerStats(runId), order);
  }
}
