/**
 * The inspection calls: gradient check, vector-form view, activations/filters/dead ReLUs (in a
 * worker thread, core/inspect) and the gradient flow of a run (from the store). Inspections use a
 * run's latest checkpoint and preprocessing, or the He initialisation of seed 1 without a run.
 */
import type { GradientCheckResult, GradientFlowData, InspectTarget, LectureCheckData, LectureInstance, LectureWalkData, NetworkInspection, VectorFormData } from '../api/contract';
import type { DataSourceSpec } from '../data/sources';
import { parseGraph, parseGraphText } from '../graph/parse';
import { gradientFlow } from '../inspect/gradientFlow';
import { compileForInspection, type LayerParameterValues } from '../inspect/inspectionNetwork';
import { InspectionWorkerClient } from '../inspect/inspectionWorkerClient';
import { decodeTrainerCheckpoint } from '../store/trainingEvents';
import type { Workspace } from '../store/workspace';

interface Weights {
  weights: LayerParameterValues[] | null;
  preprocessing: unknown | null;
  description: string;
}

export class Inspector {
  private readonly worker = new InspectionWorkerClient();

  constructor(private readonly workspace: Workspace) {}

  close(): void {
    this.worker.close();
  }

  /** The run's checkpoint at `step` (the latest when null). */
  private weights(runId: number | null, step: number | null = null): Weights {
    if (runId === null || runId === undefined) return { weights: null, preprocessing: null, description: 'He initialisation, seed 1 (no run chosen)' };
    const run = this.workspace.runs.get(runId);
    if (!run) throw new Error(`no run with id ${runId} in this workspace`);
    let stored = this.workspace.checkpoints.latest(runId);
    if (step !== null && step !== undefined) {
      const info = this.workspace.checkpoints.list(runId).find((c) => c.step === step);
      if (!info) throw new Error(`run "${run.name}" has no checkpoint at step ${step}`);
      stored = this.workspace.checkpoints.get(info.id);
    }
    const preprocessing = (run.hyperParameters as { preprocessing?: unknown }).preprocessing ?? null;
    if (!stored) return { weights: null, preprocessing, description: `run "${run.name}" has no checkpoint yet: He initialisation, seed 1` };
    const checkpoint = decodeTrainerCheckpoint(stored);
    return { weights: checkpoint.parameters, preprocessing, description: `run "${run.name}", checkpoint at step ${checkpoint.step}` };
  }

  private base(target: InspectTarget) {
    if (!target || typeof target !== 'object') throw new Error('inspection: give {graph, runId, data}');
    const graph = parseGraph(target.graph);
    compileForInspection(graph); // a graph with errors is refused here, before the worker
    const { weights, preprocessing, description } = this.weights(target.runId, target.checkpointStep ?? null);
    return { task: { graph, weights, preprocessing, data: target.data as DataSourceSpec }, description };
  }

  async gradientCheck(target: InspectTarget, nodeId: string, batchSize: number): Promise<GradientCheckResult> {
    const { task, description } = this.base(target);
    return { ...(await this.worker.run({ ...task, kind: 'gradientCheck', nodeId, batchSize })), weights: description };
  }

  async vectorForm(target: InspectTarget, nodeId: string, sample: number): Promise<VectorFormData> {
    const { task, description } = this.base(target);
    return { ...(await this.worker.run({ ...task, kind: 'vectorForm', nodeId, sample })), weights: description };
  }

  async inspectNetwork(target: InspectTarget, sample: number): Promise<NetworkInspection> {
    const { task, description } = this.base(target);
    return { ...(await this.worker.run({ ...task, kind: 'inspectNetwork', sample })), weights: description };
  }

  async lectureWalk(target: InspectTarget, instance: LectureInstance): Promise<LectureWalkData> {
    const { task, description } = this.base(target);
    return { ...(await this.worker.run({ ...task, kind: 'lecture', instance })), weights: description };
  }

  async lectureCheck(target: InspectTarget, instance: LectureInstance, stepId: string): Promise<LectureCheckData> {
    const { task } = this.base(target);
    return this.worker.run({ ...task, kind: 'lectureCheck', instance, stepId: String(stepId) });
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
