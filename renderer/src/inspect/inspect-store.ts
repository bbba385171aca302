import { createStore } from 'zustand/vanilla';
import type { GradientCheckResult, GradientFlowData, InspectTarget, NetworkInspection } from '../../../core/api/contract';
import { api } from '../api/workbench-api';
import { editorStore } from '../editor/editor-store-context';
import { dataSpecOf, trainingStore } from '../training/training-store';
import { latestOnly } from './latest-only';

export type CheckState = { state: 'running' } | { state: 'done'; result: GradientCheckResult } | { state: 'error'; error: string };

/** A check passes below this relative error (float64 central differences; see core/inspect/gradientCheck.ts). */
export const GRADIENT_CHECK_PASS = 1e-6;

/** What the inspection views show. View state only: nothing here enters the document or its undo history. */
export interface InspectState {
  /** Whose weights inspections use: a run's latest checkpoint, or null for the He initialisation. */
  weightsRunId: number | null;
  /** The gradient flow of the run the dashboard follows (from the store). */
  flow: GradientFlowData | null;
  flowRunId: number | null;
  flowError: string | null;
  /** Index into flow.steps picked with the time scrubber (null: the latest). */
  scrub: number | null;
  checks: Record<string, CheckState>;
  inspection: NetworkInspection | null;
  inspectionError: string | null;
  /** An inspectNetwork request is on its way. */
  inspecting: boolean;
  /** The chosen training instance: node previews, the Activations tab and the vector form show it. */
  sample: number;
  /** Conv node whose vector-form view is open. */
  vectorFormNode: string | null;
  setWeightsRun(runId: number | null): void;
  loadFlow(runId: number): Promise<void>;
  setScrub(index: number | null): void;
  gradientCheck(nodeId: string): Promise<void>;
  /** Inspects the network on `sample` now (answers of older requests are dropped). */
  inspect(sample: number): Promise<void>;
  /** Chooses the instance every view shows, and inspects it (rate-limited). */
  chooseSample(sample: number): void;
  /** Inspects the chosen instance again soon (rate-limited; requests meanwhile collapse into one). */
  refreshInspection(): void;
  openVectorForm(nodeId: string | null): void;
}

/** The layers' shapes and parameter counts: weights from a run fit the document while this is unchanged. */
function layerSignature(): string {
  const nodes = editorStore.getState().compiled.nodes;
  return JSON.stringify(Object.keys(nodes).sort().map((id) => [id, nodes[id].inShape, nodes[id].outShape, nodes[id].paramCount]));
}

/** The document's layer signature when the run's weights were chosen (its graph then). */
let weightsSignature = '';

export function inspectTarget(): InspectTarget {
  return { graph: editorStore.getState().doc, runId: inspectStore.getState().weightsRunId, data: dataSpecOf(trainingStore.getState().form) };
}

/** Counts inspectNetwork requests, so an answer that a newer request overtook is dropped. */
let inspections = 0;
/** Node previews follow the training (each checkpoint) and the chosen instance at most this often. */
const INSPECTION_INTERVAL_MS = 1500;
const inspectionRequests = latestOnly(() => inspectStore.getState().inspect(inspectStore.getState().sample), INSPECTION_INTERVAL_MS);

export const inspectStore = createStore<InspectState>((set, get) => ({
  weightsRunId: null,
  flow: null,
  flowRunId: null,
  flowError: null,
  scrub: null,
  checks: {},
  inspection: null,
  inspectionError: null,
  inspecting: false,
  sample: 0,
  vectorFormNode: null,
  setWeightsRun: (runId) => {
    weightsSignature = layerSignature();
    // Other weights: what was shown no longer holds. The same run (continued): keep it until the refetch.
    if (runId !== get().weightsRunId) set({ weightsRunId: runId, checks: {}, inspection: null });
    inspectionRequests.request();
  },
  loadFlow: async (runId) => {
    try {
      const flow = await api.gradientFlow(runId);
      set({ flow, flowRunId: runId, flowError: null, scrub: get().flowRunId === runId ? get().scrub : null });
    } catch (e) {
      set({ flowError: (e as Error).message });
    }
  },
  setScrub: (index) => set({ scrub: index }),
  gradientCheck: async (nodeId) => {
    set({ checks: { ...get().checks, [nodeId]: { state: 'running' } } });
    try {
      const result = await api.gradientCheck(inspectTarget(), nodeId, 4);
      set({ checks: { ...get().checks, [nodeId]: { state: 'done', result } } });
    } catch (e) {
      set({ checks: { ...get().checks, [nodeId]: { state: 'error', error: (e as Error).message } } });
    }
  },
  inspect: async (sample) => {
    const request = ++inspections;
    const runId = get().weightsRunId;
    // Edited during or after the run (a layer's filters, say): its weights no longer fit, and asking the
    // service would only fail. Say so; the previews come back when the layers match again.
    if (runId !== null && layerSignature() !== weightsSignature) {
      set({ sample, inspection: null, inspecting: false, inspectionError: `The graph was edited since run ${runId}'s weights were chosen: its layers no longer fit them (undo the edit, or Load the run into the editor).` });
      return;
    }
    set({ sample, inspectionError: null, inspecting: true });
    try {
      const inspection = await api.inspectNetwork(inspectTarget(), sample);
      if (request === inspections) set({ inspection, inspecting: false });
    } catch (e) {
      if (request === inspections) set({ inspectionError: (e as Error).message, inspection: null, inspecting: false });
    }
  },
  chooseSample: (sample) => {
    set({ sample: Math.max(0, Math.floor(sample) || 0) });
    inspectionRequests.request();
  },
  refreshInspection: () => inspectionRequests.request(),
  openVectorForm: (nodeId) => set({ vectorFormNode: nodeId }),
}));

/** The step index the graph shows: the scrubbed one, or the latest. */
export function shownStepIndex(s: Pick<InspectState, 'flow' | 'scrub'>): number | null {
  if (!s.flow || s.flow.steps.length === 0) return null;
  return s.scrub === null ? s.flow.steps.length - 1 : Math.min(s.scrub, s.flow.steps.length - 1);
}

/** ||dW|| of every layer at the shown step. */
export function normsAtShownStep(s: Pick<InspectState, 'flow' | 'scrub'>): Record<string, number> {
  const k = shownStepIndex(s);
  if (k === null || !s.flow) return {};
  const out: Record<string, number> = {};
  for (const l of s.flow.layers) {
    const n = l.norms.dW[k];
    if (n !== null) out[l.layerId] = n;
  }
  return out;
}
