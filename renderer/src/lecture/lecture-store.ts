import { createStore } from 'zustand/vanilla';
import type { GraphFile, InspectTarget, LectureCheckData, LectureInstance, LectureWalkData } from '../../../core/api/contract';
import { api } from '../api/workbench-api';
import { editorStore } from '../editor/editor-store-context';
import { inspectStore, inspectTarget } from '../inspect/inspect-store';
import { showDockTab } from '../workbench/dock-store';

export type StepCheckState = { state: 'running' } | { state: 'done'; result: LectureCheckData } | { state: 'error'; error: string };

/** Lecture mode's view state: the walk shown, the step, the instance and weights it was computed for. Nothing here enters the document. */
export interface LectureState {
  walk: LectureWalkData | null;
  /** The document the walk was computed for (the walk is stale once it changes). */
  walkDoc: GraphFile | null;
  error: string | null;
  loading: boolean;
  index: number;
  instance: LectureInstance;
  /** Whose weights: null = He initialisation; else a run, at checkpointStep (null: its latest). */
  runId: number | null;
  checkpointStep: number | null;
  checks: Record<string, StepCheckState>;
  /** The Lecture tab is showing: the canvas highlights the node being explained. */
  active: boolean;
  setActive(active: boolean): void;
  /** Computes the walk for the current instance and weights (keeps the step where it can). */
  load(): Promise<void>;
  go(index: number): void;
  next(): void;
  previous(): void;
  setInstance(instance: LectureInstance): void;
  setWeights(runId: number | null, checkpointStep: number | null): void;
  check(stepId: string): Promise<void>;
  /** Opens Lecture mode on the first step that explains `nodeId` (once the walk is there). */
  explain(nodeId: string): void;
}

/** The node `explain` asked for before the walk arrived. */
let pendingNode: string | null = null;

/** Counts walk requests, so an answer a newer request overtook is dropped. */
let requests = 0;

function target(s: Pick<LectureState, 'runId' | 'checkpointStep'>): InspectTarget {
  return { ...inspectTarget(), runId: s.runId, checkpointStep: s.checkpointStep };
}

export const lectureStore = createStore<LectureState>((set, get) => ({
  walk: null,
  walkDoc: null,
  error: null,
  loading: false,
  index: 0,
  instance: { kind: 'sample', index: inspectStore.getState().sample },
  runId: inspectStore.getState().weightsRunId,
  checkpointStep: null,
  checks: {},
  active: false,
  setActive: (active) => set({ active }),
  load: async () => {
    const request = ++requests;
    set({ loading: true, error: null });
    const doc = editorStore.getState().doc;
    try {
      const walk = await api.lectureWalk(target(get()), get().instance);
      if (request !== requests) return;
      // The same step again where the graph still has it (another instance, other weights).
      const before = get().walk?.steps[get().index]?.id;
      const kept = pendingNode ? walk.steps.findIndex((s) => s.nodeId === pendingNode) : before ? walk.steps.findIndex((s) => s.id === before) : -1;
      pendingNode = null;
      set({ walk, walkDoc: doc, loading: false, index: Math.max(0, kept), checks: {} });
    } catch (e) {
      if (request === requests) set({ error: (e as Error).message, loading: false, walk: null });
    }
  },
  go: (index) => {
    const n = get().walk?.steps.length ?? 0;
    if (n > 0) set({ index: Math.max(0, Math.min(n - 1, index)) });
  },
  next: () => get().go(get().index + 1),
  previous: () => get().go(get().index - 1),
  setInstance: (instance) => {
    set({ instance });
    void get().load();
  },
  setWeights: (runId, checkpointStep) => {
    set({ runId, checkpointStep });
    void get().load();
  },
  explain: (nodeId) => {
    showDockTab('lecture');
    const walk = get().walk;
    const at = walk ? walk.steps.findIndex((s) => s.nodeId === nodeId) : -1;
    if (at >= 0 && !get().loading) set({ index: at });
    else {
      pendingNode = nodeId;
      if (!get().loading && get().active) void get().load();
    }
  },
  check: async (stepId) => {
    set({ checks: { ...get().checks, [stepId]: { state: 'running' } } });
    try {
      const result = await api.lectureCheck(target(get()), get().instance, stepId);
      set({ checks: { ...get().checks, [stepId]: { state: 'done', result } } });
    } catch (e) {
      set({ checks: { ...get().checks, [stepId]: { state: 'error', error: (e as Error).message } } });
    }
  },
}));

/** The node the canvas highlights: the one the shown step explains, while the Lecture tab is open. */
export function explainedNode(s: Pick<LectureState, 'active' | 'walk' | 'index'>): string | null {
  return s.active ? (s.walk?.steps[s.index]?.nodeId ?? null) : null;
}
