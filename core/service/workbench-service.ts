import type { AppInfo, CallName, Draft, ShellKind, WorkbenchCalls } from '../api/contract';
import { compileGraph } from '../graph/compile';
import { parseGraph } from '../graph/parse';
import type { DraftStore } from './draft-store';
import { EventHub } from './event-hub';
import { openGraphFile, openGraphText, saveGraphFile } from './graph-files';
import { RecentFiles } from './recent-files';
import { TemplateLibrary } from './templates';

/** The calls as the service implements them: each may answer now or later. */
export type WorkbenchHandlers = {
  [K in CallName]: (...args: Parameters<WorkbenchCalls[K]>) => ReturnType<WorkbenchCalls[K]> | Promise<ReturnType<WorkbenchCalls[K]>>;
};

export interface WorkbenchService extends WorkbenchHandlers {
  readonly events: EventHub;
}

export interface ServiceOptions {
  drafts: DraftStore;
  templatesFolder: string;
  workspacePath: string;
  shell: ShellKind;
  version: string;
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

  return {
    events,
    appInfo: (): AppInfo => ({
      name: 'CNN Workbench',
      version: options.version,
      shell: options.shell,
      workspacePath: options.workspacePath,
      nativeDialogs: options.shell === 'electron',
    }),
    listTemplates: () => templates.list(),
    getTemplate: (id) => templates.get(id),
    compileGraph: (graph) => compileGraph(parseGraph(graph)),
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
