/**
 * The one contract between the workbench UI and everything behind it. Electron's main process
 * (through the preload's contextBridge) and the browser host (HTTP for calls, WebSocket for
 * events) are two transports of this same interface; the renderer only ever sees WorkbenchApi.
 *
 * Shape (VS Code's ProxyChannel style): calls are request/response functions that take
 * JSON-serialisable arguments and resolve to JSON-serialisable values; events are named
 * onSomething and deliver one JSON value per occurrence. To add a call (say startTraining for the
 * training issue), add it to WorkbenchCalls and its name to CALL_NAMES; to add an event (say
 * onTrainingEvent), add it to WorkbenchEvents and EVENT_NAMES. Both transports pick it up.
 *
 * Types only plus two name lists: no Node, Electron or DOM imports, so every side may import it.
 */
import type { CompileResult } from '../graph/compile';
import type { GraphFile } from '../graph/format';
import type { GradientCheckResult, GradientFlowData, InspectTarget, NetworkInspection, VectorFormData } from './inspect';
import type { LectureCheckData, LectureInstance, LectureWalkData } from './lecture';
import type { ExportModelRequest, ExportModelResult, ImportedWeightsInfo, ImportModelResult } from './models';
import type { RunDetail, RunImportResult, RunSummary } from './runs';
import type { SweepDetail, SweepDimensionChoice, SweepSummary, StartSweepRequest } from './sweeps';
import type { BackendInfo, DataImage, DataPreview, DataSpec, StartTrainingRequest, TrainingEventMessage, TrainingStarted } from './training';

export type { CompileResult, GraphError, NodeSummary } from '../graph/compile';
export type { GraphFile, GraphNode, GraphEdge, NodeKind } from '../graph/format';
export type { Shape } from '../graph/shape';
export type * from './training';
export type * from './runs';
export type * from './inspect';
export type * from './models';
export type * from './sweeps';
export type * from './lecture';

/** Which program is showing the UI. */
export type ShellKind = 'electron' | 'browser';

export interface AppInfo {
  name: string;
  version: string;
  shell: ShellKind;
  /** The SQLite workspace file drafts (and later runs) live in. */
  workspacePath: string;
  /** True where the shell has native open/save dialogs (Electron); the browser host asks for a path or uses upload/download. */
  nativeDialogs: boolean;
  /** The service's working folder: a relative host path (save, export, import) resolves against it. */
  workingFolder: string;
}

export interface TemplateSummary {
  id: string;
  name: string;
  description: string;
}

/** Opening a graph file either gives the graph, or says why not; the caller's document is untouched on error. */
export type OpenGraphResult =
  | { status: 'opened'; graph: GraphFile; path: string | null; fileName: string }
  | { status: 'cancelled' }
  | { status: 'error'; fileName: string; where: string; message: string };

export type SaveGraphResult = { status: 'saved'; path: string } | { status: 'cancelled' } | { status: 'error'; message: string };

/** What autosave keeps of the open document: the graph, and the file it belongs to (if any). */
export interface Draft {
  graph: GraphFile;
  filePath: string | null;
  /** True when the graph has edits not yet saved to filePath. */
  dirty: boolean;
}

/** Commands the shell's menu sends to the editor (Electron's application menu). */
export type MenuCommand =
  | 'new'
  | 'open'
  | 'save'
  | 'saveAs'
  | 'undo'
  | 'redo'
  | 'copy'
  | 'paste'
  | 'delete'
  | 'selectAll'
  | 'autoLayout'
  | 'fitView'
  | 'toggleMiniMap'
  | 'exportOnnx'
  | 'exportPytorch'
  | 'importOnnx'
  | { openRecent: string };

/** Every request/response call, as if it were synchronous; WorkbenchApi makes each one async. */
export interface WorkbenchCalls {
  appInfo(): AppInfo;
  listTemplates(): TemplateSummary[];
  getTemplate(id: string): GraphFile;
  /** Validation and shape inference: shapes, parameter counts, multiply-adds, errors by node. */
  compileGraph(graph: GraphFile): CompileResult;
  /** Opens the graph file at path; path null asks the user with a native dialog (Electron only, else 'cancelled'). */
  openGraphFile(path: string | null): OpenGraphResult;
  /** Opens graph JSON the UI already holds (a browser upload); fileName is only for messages. */
  openGraphText(text: string, fileName: string): OpenGraphResult;
  /** Writes graph to path; path null asks the user where with a native dialog (Electron only, else 'cancelled'). */
  saveGraphFile(path: string | null, graph: GraphFile): SaveGraphResult;
  /** Files recently opened or saved, most recent first. */
  recentFiles(): string[];
  loadDraft(): Draft | null;
  saveDraft(draft: Draft): void;

  // Models in and out (core/export): ONNX and PyTorch
  /** Writes the graph with the chosen weights as ONNX (a file) or a PyTorch project (a folder); path null asks with a native dialog (Electron only, else 'cancelled'). */
  exportModel(request: ExportModelRequest): ExportModelResult;
  /** Reads an ONNX file into a graph and keeps its weights (replacing the previously imported ones); path null asks with a native dialog. */
  importModel(path: string | null): ImportModelResult;
  /** What the last importModel kept, or null. */
  importedWeights(): ImportedWeightsInfo | null;

  // Training (runs in a worker of its own; progress arrives as onTrainingEvent)
  listBackends(): BackendInfo[];
  /** The first `count` training images of a source, its size, classes and class counts. */
  previewData(data: DataSpec, count: number): DataPreview;
  /** Resolves once the data is loaded and the run recorded; rejects with the reason it cannot start. */
  startTraining(request: StartTrainingRequest): TrainingStarted;
  pauseTraining(runId: number): void;
  resumeTraining(runId: number): void;
  stopTraining(runId: number): void;
  /** Continues a stopped / interrupted run from its latest checkpoint, recording into the same run. */
  continueRun(runId: number): TrainingStarted;

  // Runs in the workspace
  listRuns(): RunSummary[];
  getRun(runId: number): RunDetail;
  renameRun(runId: number, name: string): RunSummary;
  deleteRun(runId: number): void;
  /** Writes the run to one standalone file at path (a host path; the browser asks for it). */
  exportRun(runId: number, path: string): { path: string };
  importRuns(path: string): RunImportResult;
  /** Images of the run's data (e.g. its misclassified test instances), raw 0..255. */
  runImages(runId: number, split: 'train' | 'test', indices: number[]): DataImage[];

  // Sweeps (core/sweep): trials run one after another, each a normal run; the table changes arrive as onSweepChanged
  /** Checks the whole sweep (refused naming the dimension and value), records it and starts its first trial. */
  startSweep(request: StartSweepRequest): SweepSummary;
  /** Stops the running trial at a checkpoint; continueSweep goes on from there. */
  stopSweep(sweepId: number): void;
  continueSweep(sweepId: number): SweepSummary;
  listSweeps(): SweepSummary[];
  getSweep(sweepId: number): SweepDetail;
  /** What a sweep can vary on this graph: training settings and node.param. */
  sweepDimensions(graph: GraphFile): SweepDimensionChoice[];

  // Inspection (float64 reference backend, off the training thread's data)
  gradientFlow(runId: number): GradientFlowData;
  gradientCheck(target: InspectTarget, nodeId: string, batchSize: number): GradientCheckResult;
  vectorForm(target: InspectTarget, nodeId: string, sample: number): VectorFormData;
  inspectNetwork(target: InspectTarget, sample: number): NetworkInspection;
  /** Lecture mode: the vector form's equations in order, each with the engine's numbers for one instance. */
  lectureWalk(target: InspectTarget, instance: LectureInstance): LectureWalkData;
  /** Central differences in float64 against the gradient step `stepId` of the same walk shows. */
  lectureCheck(target: InspectTarget, instance: LectureInstance, stepId: string): LectureCheckData;
}

/** Every event and the value it carries. */
export interface WorkbenchEvents {
  onMenuCommand: MenuCommand;
  onRecentFilesChanged: string[];
  onTrainingEvent: TrainingEventMessage;
  /** A run was added, renamed, deleted or changed status: reload the list. */
  onRunsChanged: number | null;
  /** A sweep started, a trial started or ended, or a trial finished an epoch: reload its table. */
  onSweepChanged: number;
}

export type CallName = keyof WorkbenchCalls;
export type EventName = keyof WorkbenchEvents;

/** Releases an event subscription. */
export type Unsubscribe = () => void;

export type WorkbenchApi = {
  [K in CallName]: (...args: Parameters<WorkbenchCalls[K]>) => Promise<Awaited<ReturnType<WorkbenchCalls[K]>>>;
} & {
  [K in EventName]: (listener: (event: WorkbenchEvents[K]) => void) => Unsubscribe;
};

/** The names a transport accepts; anything else is refused (the preload and the host check against these). */
export const CALL_NAMES = [
  'appInfo',
  'listTemplates',
  'getTemplate',
  'compileGraph',
  'openGraphFile',
  'openGraphText',
  'saveGraphFile',
  'recentFiles',
  'loadDraft',
  'saveDraft',
  'exportModel',
  'importModel',
  'importedWeights',
  'listBackends',
  'previewData',
  'startTraining',
  'pauseTraining',
  'resumeTraining',
  'stopTraining',
  'continueRun',
  'listRuns',
  'getRun',
  'renameRun',
  'deleteRun',
  'exportRun',
  'importRuns',
  'runImages',
  'startSweep',
  'stopSweep',
  'continueSweep',
  'listSweeps',
  'getSweep',
  'sweepDimensions',
  'gradientFlow',
  'gradientCheck',
  'vectorForm',
  'inspectNetwork',
  'lectureWalk',
  'lectureCheck',
] as const satisfies readonly CallName[];

export const EVENT_NAMES = ['onMenuCommand', 'onRecentFilesChanged', 'onTrainingEvent', 'onRunsChanged', 'onSweepChanged'] as const satisfies readonly EventName[];

// Compile-time check that the lists name every member (a missing name makes this a type error).
type Missing<All, Listed> = Exclude<All, Listed>;
const _allCallsListed: Missing<CallName, (typeof CALL_NAMES)[number]> extends never ? true : never = true;
const _allEventsListed: Missing<EventName, (typeof EVENT_NAMES)[number]> extends never ? true : never = true;
void _allCallsListed;
void _allEventsListed;

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && (CALL_NAMES as readonly string[]).includes(name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && (EVENT_NAMES as readonly string[]).includes(name);
}

/** Prefix of the Electron IPC channels: `workbench:call:<name>` and `workbench:event:<name>`. */
export const IPC_CALL_PREFIX = 'workbench:call:';
export const IPC_EVENT_PREFIX = 'workbench:event:';
