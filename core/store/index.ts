/** The experiment store: one SQLite workspace file per user (see docs/store.md). */
export { defaultWorkspacePath, openWorkspace, Workspace, BUSY_TIMEOUT_MS } from './workspace';
export { StoreError, WorkspaceOpenError, type WorkspaceOpenProblem } from './errors';
export { RunRecorder, type RecorderOptions, type CommitInfo } from './recorder';
export { computeTensorStats, DEFAULT_HISTOGRAM_BINS } from './tensorStats';
export { exportToFile, importFromFile, readExportManifest, type ExportManifest, type ImportResult } from './share';
export { DEFAULT_SETTINGS, type StoreSettings } from './settings';
export type { StepRange } from './series';
export * from './records';
export { recordTrainingEvent, encodeTrainerCheckpoint, decodeTrainerCheckpoint } from './trainingEvents';
