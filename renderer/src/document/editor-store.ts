import { createStore } from 'zustand/vanilla';
import type { CompileResult, GraphFile, GraphNode, NodeKind } from '../../../core/api/contract';
import { compileGraph } from '../../../core/graph/compile';
import { autoLayout, LAYOUT_GAP, layoutDirectionOf, NODE_SIZE_GUESS, type LayoutDirection } from './auto-layout';
import { copySelection, pasteInto, type ClipboardContent } from './clipboard';
import { diffDocs } from './doc-diff';
import { History } from './history';
import { createNode, edgeId, emptyGraph } from './node-factory';

export interface Notice {
  kind: 'error' | 'info';
  text: string;
}

/** Everything the editor shows. The graph document is `doc`; the rest is view state, never undone. */
export interface EditorState {
  doc: GraphFile;
  /** Live from core compileGraph on every document change. */
  compiled: CompileResult;
  filePath: string | null;
  /** The document differs from what was last opened or saved. */
  dirty: boolean;
  selectedNodes: string[];
  selectedEdges: string[];
  /** Node sizes measured by React Flow (kept so it does not re-measure on every change). */
  measured: Record<string, { width: number; height: number }>;
  canUndo: boolean;
  canRedo: boolean;
  /** A keyboard connection in progress: the source node whose output handle was activated. */
  connectFrom: string | null;
  notice: Notice | null;
  showMiniMap: boolean;
}

export interface ChangeOptions {
  /** End the user action after this change (default true); a drag or typing marks at its end. */
  mark?: boolean;
}

export interface EditorActions {
  change(recipe: (doc: GraphFile) => GraphFile, options?: ChangeOptions): void;
  mark(): void;
  undo(): void;
  redo(): void;
  /** Puts a document in the editor as a fresh start (startup, autosave restore): not undoable. */
  load(doc: GraphFile, filePath: string | null, dirty: boolean): void;
  /** Replaces the document as one undoable user action (new, template, open). */
  replace(doc: GraphFile, filePath: string | null): void;
  addNode(kind: NodeKind, position?: { x: number; y: number }): string;
  connect(source: string, target: string): boolean;
  moveNodes(positions: Record<string, { x: number; y: number }>, dragging: boolean): void;
  setParam(nodeId: string, key: string, value: unknown, options?: ChangeOptions): void;
  rename(nodeId: string, name: string): void;
  select(nodes: string[], edges?: string[]): void;
  selectAll(): void;
  deleteSelection(): void;
  copy(): ClipboardContent | null;
  paste(content?: ClipboardContent | null): void;
  /** Lays the chains out down or across the canvas, with the measured node sizes. */
  layout(direction?: LayoutDirection): void;
  setMeasured(id: string, size: { width: number; height: number }): void;
  setConnectFrom(id: string | null): void;
  markSaved(filePath: string): void;
  notify(notice: Notice | null): void;
  toggleMiniMap(): void;
}

export type EditorStore = ReturnType<typeof createEditorStore>;

export function createEditorStore(initial: GraphFile = emptyGraph()) {
  const history = new History();
  let clipboard: ClipboardContent | null = null;
  let pasteCount = 0;

  const store = createStore<EditorState & EditorActions>()((set, get) => {
    const historyFlags = () => ({ canUndo: history.canUndo(), canRedo: history.canRedo() });
    const setDoc = (doc: GraphFile, extra: Partial<EditorState> = {}) => {
      const alive = new Set(doc.nodes.map((n) => n.id));
      const aliveEdges = new Set(doc.edges.map((e) => e.id));
      set({
        doc,
        compiled: compileGraph(doc),
        selectedNodes: get().selectedNodes.filter((id) => alive.has(id)),
        selectedEdges: get().selectedEdges.filter((id) => aliveEdges.has(id)),
        ...extra,
        ...historyFlags(),
      });
    };
    const updateNode = (nodeId: string, update: (n: GraphNode) => GraphNode) => (doc: GraphFile) => ({
      ...doc,
      nodes: doc.nodes.map((n) => (n.id === nodeId ? update(n) : n)),
    });

    return {
      doc: initial,
      compiled: compileGraph(initial),
      filePath: null,
      dirty: false,
      selectedNodes: [],
      selectedEdges: [],
      measured: Object.create(null),
      canUndo: false,
      canRedo: false,
      connectFrom: null,
      notice: null,
      showMiniMap: true,

      change(recipe, options = {}) {
        const before = get().doc;
        const after = recipe(before);
        if (after !== before) {
          history.record(diffDocs(before, after));
          if (options.mark !== false) history.mark();
          setDoc(after, { dirty: true });
        } else if (options.mark !== false) {
          history.mark();
          set(historyFlags());
        }
      },
      mark() {
        history.mark();
        set(historyFlags());
      },
      undo() {
        const doc = history.undo(get().doc);
        if (doc) setDoc(doc, { dirty: true });
      },
      redo() {
        const doc = history.redo(get().doc);
        if (doc) setDoc(doc, { dirty: true });
      },
      load(doc, filePath, dirty) {
        history.clear();
        set({ selectedNodes: [], selectedEdges: [], measured: Object.create(null), connectFrom: null });
        setDoc(doc, { filePath, dirty });
      },
      replace(doc, filePath) {
        set({ selectedNodes: [], selectedEdges: [], connectFrom: null });
        get().change(() => doc);
        set({ filePath, dirty: false });
      },
      addNode(kind, position) {
        const { doc, selectedNodes } = get();
        const anchor = doc.nodes.find((n) => n.id === selectedNodes[selectedNodes.length - 1]);
        // The next place down the chain: below the anchor, or right of it in a graph laid out across.
        const across = layoutDirectionOf(doc) === 'right';
        const last = doc.nodes.reduce<GraphNode | undefined>((end, n) => (!end || (across ? n.position.x > end.position.x : n.position.y > end.position.y) ? n : end), undefined);
        const before = anchor ?? last;
        const step = (id: string) => (get().measured[id] ?? NODE_SIZE_GUESS)[across ? 'width' : 'height'] + LAYOUT_GAP[across ? 'right' : 'down'];
        const at = position ?? (before ? (across ? { x: before.position.x + step(before.id), y: before.position.y } : { x: before.position.x, y: before.position.y + step(before.id) }) : { x: 0, y: 0 });
        const node = createNode(doc, kind, at);
        // Added by keyboard after a selected node that leads nowhere yet: connect it.
        const link = !position && anchor && anchor.kind !== 'output' && kind !== 'input' && !doc.edges.some((e) => e.source === anchor.id);
        get().change((d) => ({
          ...d,
          nodes: [...d.nodes, node],
          edges: link ? [...d.edges, { id: edgeId(anchor.id, node.id, d), source: anchor.id, target: node.id }] : d.edges,
        }));
        set({ selectedNodes: [node.id], selectedEdges: [] });
        return node.id;
      },
      connect(source, target) {
        const { doc } = get();
        if (source === target || doc.edges.some((e) => e.source === source && e.target === target)) return false;
        if (!doc.nodes.some((n) => n.id === source) || !doc.nodes.some((n) => n.id === target)) return false;
        get().change((d) => ({ ...d, edges: [...d.edges, { id: edgeId(source, target, d), source, target }] }));
        set({ connectFrom: null });
        return true;
      },
      moveNodes(positions, dragging) {
        get().change(
          (d) => ({ ...d, nodes: d.nodes.map((n) => (Object.hasOwn(positions, n.id) ? { ...n, position: { ...positions[n.id] } } : n)) }),
          { mark: !dragging },
        );
      },
      setParam(nodeId, key, value, options) {
        get().change(
          updateNode(nodeId, (n) => {
            const params = { ...(n.params as unknown as Record<string, unknown>) };
            if (value === undefined) delete params[key];
            else params[key] = value;
            return { ...n, params } as unknown as GraphNode;
          }),
          options,
        );
      },
      rename(nodeId, name) {
        get().change(updateNode(nodeId, (n) => ({ ...n, name })));
      },
      select(nodes, edges = []) {
        set({ selectedNodes: nodes, selectedEdges: edges });
      },
      selectAll() {
        const { doc } = get();
        set({ selectedNodes: doc.nodes.map((n) => n.id), selectedEdges: doc.edges.map((e) => e.id) });
      },
      deleteSelection() {
        const nodes = new Set(get().selectedNodes);
        const edges = new Set(get().selectedEdges);
        if (nodes.size === 0 && edges.size === 0) return;
        get().change((d) => ({
          ...d,
          nodes: d.nodes.filter((n) => !nodes.has(n.id)),
          edges: d.edges.filter((e) => !edges.has(e.id) && !nodes.has(e.source) && !nodes.has(e.target)),
        }));
        set({ selectedNodes: [], selectedEdges: [] });
      },
      copy() {
        const content = copySelection(get().doc, new Set(get().selectedNodes));
        if (content) {
          clipboard = content;
          pasteCount = 0;
        }
        return content;
      },
      paste(content) {
        const from = content ?? clipboard;
        if (!from || from.nodes.length === 0) return;
        if (content) clipboard = content;
        pasteCount += 1;
        let pasted: string[] = [];
        get().change((d) => {
          const r = pasteInto(d, from, { x: 40 * pasteCount, y: 40 * pasteCount });
          pasted = r.pastedIds;
          return r.doc;
        });
        set({ selectedNodes: pasted, selectedEdges: [] });
      },
      layout(direction) {
        const measured = get().measured;
        get().change((d) => autoLayout(d, direction ?? layoutDirectionOf(d), measured));
      },
      setMeasured(id, size) {
        const old = Object.hasOwn(get().measured, id) ? get().measured[id] : undefined;
        if (old && old.width === size.width && old.height === size.height) return;
        set({ measured: Object.assign(Object.create(null), get().measured, { [id]: size }) });
      },
      setConnectFrom(id) {
        set({ connectFrom: id });
      },
      markSaved(filePath) {
        set({ filePath, dirty: false });
      },
      notify(notice) {
        set({ notice });
      },
      toggleMiniMap() {
        set({ showMiniMap: !get().showMiniMap });
      },
    };
  });
  return store;
}
