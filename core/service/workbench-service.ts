import type { AppInfo, CallName, Draft, ShellKind, WorkbenchCalls } from '../api/contract';
import { defaultMemoryLimit } from '../engine/memoryLimit';
import { compileGraph } from '../graph/compile';
import { parseGraph } from '../graph/parse';
import type { DraftStore } from './draft-store';
import { EventHub } from './event-hub';
import { openGraphFile, openGraphText, saveGraphFile } from './graph-files';
import { RecentFiles } from './recent-files';
import { TemplateLibrary } from './templates';
import { availableBackends } from '../compute/registry';
import type { Workspace } from '../store/workspace';
import { previewData } from './data-images';
import { Inspector } from './inspector';
import { ModelExchange } from './model-exchange';
import { RunQueries } from './run-queries';
import { TrainingManager } from './training-manager';
import { SweepManager } from './sweep-manager';
import { dimensionChoices } from '../sweep/dimensions';

/** The calls as the service implements them: each may answer now or later. */
export type WorkbenchHandlers = {
  [K in CallName]: (...args: Parameters<WorkbenchCalls[K]>) => ReturnType<WorkbenchCalls[K]> | Promise<ReturnType<WorkbenchCalls[K]>>;
};

export interface WorkbenchService extends WorkbenchHandlers {
  readonly events: EventHub;
  /** Stops every run training in this service and waits for their workers (before the workspace closes). */
  shutdown(): Promise<void>;
  /** Runs training right now. */
  liveRunIds(): number[];
}

export interface ServiceOptions {
  drafts: DraftStore;
  templatesFolder: string;
  workspacePath: string;
  shell: ShellKind;
  version: string;
  /** The workspace runs are trained into and read from; without it those calls fail saying so. */
  workspace?: Workspace;
}

const DRAFT_KEY = 'editor:open-graph';

/**
 * The contract's calls, composed from core modules. No transport here: Electron's main process
 * and the browser host both wrap this object. Calls that need a person to pick a file (path null)
 * answer 'cancelled' here; a shell with native dialogs asks first and then calls with the path.
 */
export function createWorkbenchService(options: ServiceOptions): WorkbenchService {
  const events = new EventHub();
  const templates = new TemplateLibrary(options.templatesFolder);
  const recent = new RecentFiles(options.drafts);
  const remember = (path: string) => events.emit('onRecentFilesChanged', recent.touch(path));
  const ws = options.workspace;
  const training = ws ? new TrainingManager(ws, (m) => events.emit('onTrainingEvent', m), (id) => events.emit('onRunsChanged', id)) : null;
  const sweeps = ws && training ? new SweepManager(ws, training, (id) => events.emit('onSweepChanged', id)) : null;
  const runs = ws ? new RunQueries(ws, (id) => training!.liveRunIds().includes(id)) : null;
  const inspector = ws ? new Inspector(ws) : null;
  const models = new ModelExchange(options.drafts, ws ?? null);
  const need = <T>(part: T | null, call: string): T => {
    if (!part) throw new Error(`${call}: this service has no workspace`);
    return part;
  };
  const changed = <T>(runId: number | null, value: T): T => {
    events.emit('onRunsChanged', runId);
    return value;
  };

  return {
    events,
    shutdown: async () => {
      inspector?.close();
      await sweeps?.stopAll();
      await training?.stopAll();
    },
    liveRunIds: () => training?.liveRunIds() ?? [],
    listBackends: () => availableBackends(),
    previewData: (data, count) => previewData(data, count),
    startTraining: (request) => {
      const manager = need(training, 'startTraining');
      const initial = request?.initialWeights === 'imported' ? models.initialWeights(parseGraph(request.graph)) : null;
      return manager.start(request, initial);
    },
    exportModel: (request) => models.exportModel(request),
    importModel: (path) => {
      if (path === null) return { status: 'cancelled' };
      requirePath(path, 'importModel');
      return models.importModel(path);
    },
    importedWeights: () => models.importedInfo(),
    pauseTraining: (runId) => need(training, 'pauseTraining').pause(runId),
    resumeTraining: (runId) => need(training, 'resumeTraining').resume(runId),
    stopTraining: (runId) => need(training, 'stopTraining').stop(runId),
    continueRun: (runId) => need(training, 'continueRun').continueRun(runId),
    listRuns: () => need(runs, 'listRuns').list(),
    getRun: (runId) => need(runs, 'getRun').detail(runId),
    renameRun: (runId, name) => changed(runId, need(runs, 'renameRun').rename(runId, name)),
    deleteRun: (runId) => changed(null, need(runs, 'deleteRun').delete(runId)),
    exportRun: (runId, path) => need(runs, 'exportRun').export(runId, path),
    importRuns: (path) => changed(null, need(runs, 'importRuns').import(path)),
    runImages: (runId, split, indices) => need(runs, 'runImages').images(runId, split, indices),
    startSweep: (request) => need(sweeps, 'startSweep').start(request),
    stopSweep: (sweepId) => need(sweeps, 'stopSweep').stop(sweepId),
    continueSweep: (sweepId) => need(sweeps, 'continueSweep').continue(sweepId),
    listSweeps: () => need(sweeps, 'listSweeps').list(),
    getSweep: (sweepId) => need(sweeps, 'getSweep').detail(sweepId),
    sweepDimensions: (graph) => dimensionChoices(parseGraph(graph)),
    gradientFlow: (runId) => need(inspector, 'gradientFlow').gradientFlow(runId),
    gradientCheck: (target, nodeId, batchSize) => need(inspector, 'gradientCheck').gradientCheck(target, nodeId, batchSize),
    vectorForm: (target, nodeId, sample) => need(inspector, 'vectorForm').vectorForm(target, nodeId, sample),
    inspectNetwork: (target, sample) => need(inspector, 'inspectNetwork').inspectNetwork(target, sample),
    lectureWalk: (target, instance) => need(inspector, 'lectureWalk').lectureWalk(target, instance),
    lectureCheck: (target, instance, stepId) => need(inspector, 'lectureCheck').lectureCheck(target, instance, stepId),
    appInfo: (): AppInfo => ({
      name: 'CNN Workbench',
      version: options.version,
      shell: options.shell,
      workspacePath: options.workspacePath,
      nativeDialogs: options.shell === 'electron',
      workingFolder: process.cwd(),
    }),
    listTemplates: () => templates.list(),
    getTemplate: (id) => templates.get(id),
    compileGraph: (graph) => {
      const limit = defaultMemoryLimit();
      return compileGraph(parseGraph(graph), { memoryLimit: limit.bytes, memoryLimitName: limit.name });
    },
    openGraphFile: (path) => {
      if (path === null) return { status: 'cancelled' };
      requirePath(path, 'openGraphFile');
      const result = openGraphFile(path);
      if (result.status === 'opened') remember(path);
      return result;
    },
    openGraphText: (text, fileName) => {
      if (typeof text !== 'string') throw new Error('openGraphText: text must be a string');
      return openGraphText(text, String(fileName), null);
    },
    saveGraphFile: (path, graph) => {
      if (path === null) return { status: 'cancelled' };
      requirePath(path, 'saveGraphFile');
      const result = saveGraphFile(path, graph);
      if (result.status === 'saved') remember(path);
      return result;
    },
    recentFiles: () => recent.list(),
    loadDraft: () => {
      const text = options.drafts.load(DRAFT_KEY);
      if (text === null) return null;
      const raw = JSON.parse(text) as Partial<Draft>;
      try {
        return { graph: parseGraph(raw.graph), filePath: typeof raw.filePath === 'string' ? raw.filePath : null, dirty: raw.dirty === true };
      } catch {
        return null; // a draft from an incompatible version: start clean rather than fail to start
      }
    },
    saveDraft: (draft) => {
      const graph = parseGraph(draft?.graph);
      options.drafts.save(DRAFT_KEY, JSON.stringify({ graph, filePath: draft.filePath ?? null, dirty: draft.dirty === true }));
    },
  };
}

function requirePath(path: unknown, call: string): asserts path is string {
  if (typeof path !== 'string' || path.trim() === '') throw new Error(`${call}: path must be a non-empty string`);
}
