import {
  Background,
  Position,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type Edge,
  type EdgeChange,
  type Node,
  type NodeChange,
  type Connection,
  type ReactFlowInstance,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, type DragEvent, type RefObject } from 'react';
import type { GraphNode, NodeKind } from '../../../core/api/contract';
import { NODE_KINDS } from '../../../core/graph/format';
import { formatShape } from '../../../core/graph/shape';
import { CanvasInspectOverlay } from '../inspect/CanvasInspectOverlay';
import { editorStore, useEditor } from './editor-store-context';
import { KIND_LABEL } from './labels';
import { LayerNode } from './LayerNode';
import { PALETTE_MIME } from './Palette';
import { ShapeEdge } from './ShapeEdge';
import { layoutDirectionOf } from '../document/auto-layout';
import { fitLegibly } from './viewport';

const nodeTypes = { layer: LayerNode };
const edgeTypes = { shape: ShapeEdge };
const NODE_WIDTH = 240;
const REFIT_DELAY_MS = 120;
const KIND_COLOR: Record<string, string> = { input: '#6d4c41', conv: '#1e88e5', pool: '#43a047', activation: '#fb8c00', fc: '#8e24aa', output: '#546e7a' };
const miniMapColor = (n: Node) => KIND_COLOR[(n.data as { kind?: string }).kind ?? ''] ?? '#999';

/** React Flow node objects, reused while their inputs are unchanged so React Flow skips them. */
function useFlowNodes(): Node[] {
  const cache = useRef(new Map<string, { src: GraphNode; selected: boolean; measured: unknown; across: boolean; node: Node }>());
  const nodes = useEditor((s) => s.doc.nodes);
  // Handles on the sides the chain runs along: top/bottom down the canvas, left/right across it.
  const across = useEditor((s) => layoutDirectionOf(s.doc) === 'right');
  const selected = useEditor((s) => s.selectedNodes);
  const measured = useEditor((s) => s.measured);
  return useMemo(() => {
    const chosen = new Set(selected);
    const next = new Map<string, { src: GraphNode; selected: boolean; measured: unknown; across: boolean; node: Node }>();
    const out = nodes.map((src) => {
      const isSelected = chosen.has(src.id);
      const size = measured[src.id];
      const hit = cache.current.get(src.id);
      const entry =
        hit && hit.src === src && hit.selected === isSelected && hit.measured === size && hit.across === across
          ? hit
          : {
              src,
              selected: isSelected,
              measured: size,
              across,
              node: {
                id: src.id,
                type: 'layer',
                position: src.position,
                data: { kind: src.kind },
                selected: isSelected,
                measured: size,
                sourcePosition: across ? Position.Right : Position.Bottom,
                targetPosition: across ? Position.Left : Position.Top,
                ariaLabel: `${src.name} (${KIND_LABEL[src.kind] ?? src.kind})`,
              } satisfies Node,
            };
      next.set(src.id, entry);
      return entry.node;
    });
    cache.current = next;
    return out;
  }, [nodes, selected, measured, across]);
}

function useFlowEdges(): Edge[] {
  const edges = useEditor((s) => s.doc.edges);
  const nodes = useEditor((s) => s.doc.nodes);
  const selected = useEditor((s) => s.selectedEdges);
  const shapes = useEditor((s) => s.compiled.edgeShapes);
  return useMemo(() => {
    const chosen = new Set(selected);
    const names = new Map(nodes.map((n) => [n.id, n.name]));
    return edges.map((e) => {
      const shape = shapes[e.id];
      return {
        id: e.id,
        source: e.source,
        target: e.target,
        type: 'shape',
        selected: chosen.has(e.id),
        ariaLabel: `${names.get(e.source) ?? e.source} to ${names.get(e.target) ?? e.target}: ${shape ? formatShape(shape) : 'shape unknown'}`,
      } satisfies Edge;
    });
  }, [edges, nodes, selected, shapes]);
}

function onNodesChange(changes: NodeChange[]) {
  const state = editorStore.getState();
  const positions: Record<string, { x: number; y: number }> = Object.create(null);
  let dragging = false;
  let moved = false;
  let selection: Set<string> | null = null;
  for (const c of changes) {
    if (c.type === 'position' && c.position) {
      positions[c.id] = c.position;
      dragging ||= c.dragging === true;
      moved = true;
    } else if (c.type === 'dimensions' && c.dimensions) {
      state.setMeasured(c.id, c.dimensions);
    } else if (c.type === 'select') {
      selection ??= new Set(editorStore.getState().selectedNodes);
      if (c.selected) selection.add(c.id);
      else selection.delete(c.id);
    }
  }
  if (moved) state.moveNodes(positions, dragging);
  if (selection) state.select([...selection], editorStore.getState().selectedEdges);
}

function onEdgesChange(changes: EdgeChange[]) {
  let selection: Set<string> | null = null;
  for (const c of changes)
    if (c.type === 'select') {
      selection ??= new Set(editorStore.getState().selectedEdges);
      if (c.selected) selection.add(c.id);
      else selection.delete(c.id);
    }
  if (selection) editorStore.getState().select(editorStore.getState().selectedNodes, [...selection]);
}

function onConnect(c: Connection) {
  editorStore.getState().connect(c.source, c.target);
}

function isValidConnection(c: Connection | Edge) {
  return c.source !== c.target && !editorStore.getState().doc.edges.some((e) => e.source === c.source && e.target === c.target);
}

/** Re-fits the view when the canvas changes size (the dock opened, closed or was dragged; the window resized), once the size settles. */
function useRefitOnResize(host: RefObject<HTMLDivElement | null>, flow: ReactFlowInstance) {
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last = { width: el.clientWidth, height: el.clientHeight };
    const observer = new ResizeObserver(() => {
      if (el.clientWidth === last.width && el.clientHeight === last.height) return;
      last = { width: el.clientWidth, height: el.clientHeight };
      clearTimeout(timer);
      timer = setTimeout(() => fitLegibly(flow), REFIT_DELAY_MS);
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      clearTimeout(timer);
    };
  }, [host, flow]);
}

/** Fits the view to a document that replaced the last one (a template, an opened file, a run's graph, the draft at start): one sharing no node with it. */
function useFitNewDocuments(flow: ReactFlowInstance) {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = editorStore.subscribe((s, before) => {
      // A first node dropped on an empty canvas is an edit, not a new document.
      if (s.doc.nodes === before.doc.nodes || s.doc.nodes.length + before.doc.nodes.length < 2) return;
      const old = new Set(before.doc.nodes.map((n) => n.id));
      if (s.doc.nodes.some((n) => old.has(n.id))) return;
      clearTimeout(timer);
      timer = setTimeout(() => fitLegibly(flow), REFIT_DELAY_MS); // after React Flow has measured the nodes
    });
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }, [flow]);
}

/** What an empty canvas says: how to add a node and how to connect two. */
function EmptyCanvasHint() {
  return (
    <div className="canvas-hint" role="note" aria-label="How to start">
      <p>
        <strong>Add a layer:</strong> drag it from the palette on the left onto the canvas, or focus it there and press Enter (it is added after the selected node and connected to it).
      </p>
      <p>
        <strong>Connect two layers:</strong> drag from a node's output handle (the dot at its bottom or right edge) to another node's input handle (top or left), or press Enter on one handle, then on the other.
      </p>
      <p>Or start from a template in the toolbar.</p>
    </div>
  );
}

/** The node-graph canvas: React Flow fed from the editor store; every edit goes through the store. */
export function Canvas() {
  const nodes = useFlowNodes();
  const edges = useFlowEdges();
  const showMiniMap = useEditor((s) => s.showMiniMap);
  const flow = useReactFlow();
  const host = useRef<HTMLDivElement>(null);
  useRefitOnResize(host, flow);
  useFitNewDocuments(flow);

  const onDragOver = useCallback((event: DragEvent) => {
    if (event.dataTransfer.types.includes(PALETTE_MIME)) {
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
    }
  }, []);
  const onDrop = useCallback(
    (event: DragEvent) => {
      const kind = event.dataTransfer.getData(PALETTE_MIME) as NodeKind;
      if (!NODE_KINDS.includes(kind)) return;
      event.preventDefault();
      const at = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      editorStore.getState().addNode(kind, { x: Math.round(at.x - NODE_WIDTH / 2), y: Math.round(at.y - 20) });
    },
    [flow],
  );

  return (
    <div className="canvas" ref={host} onDragOver={onDragOver} onDrop={onDrop} aria-label="Network canvas">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onNodeDragStop={() => editorStore.getState().mark()}
        onConnect={onConnect}
        isValidConnection={isValidConnection}
        deleteKeyCode={null}
        minZoom={0.2}
        maxZoom={2}
        proOptions={{ hideAttribution: true }}
      >
        <Background />
        <Controls showInteractive={false} showFitView={false} />
        <CanvasInspectOverlay />
        {showMiniMap && <MiniMap pannable zoomable position="top-right" ariaLabel="Mini-map" nodeColor={miniMapColor} />}
      </ReactFlow>
      {nodes.length === 0 && <EmptyCanvasHint />}
    </div>
  );
}
