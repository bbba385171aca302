import type { GraphEdge, GraphFile, GraphNode } from '../../../core/api/contract';

/** For each changed record id: what it was before and what it is after (null: absent). */
export type RecordDiff<T> = Record<string, [before: T | null, after: T | null]>;

/** One change to the graph document, as record diffs (tldraw's HistoryManager idea). */
export interface DocDiff {
  nodes: RecordDiff<GraphNode>;
  edges: RecordDiff<GraphEdge>;
  name?: [before: string, after: string];
  /** Record order before and after, present when it changed (adds and removals), so undo restores it exactly. */
  nodeOrder?: [before: string[], after: string[]];
  edgeOrder?: [before: string[], after: string[]];
}

function orderChange(before: readonly { id: string }[], after: readonly { id: string }[]): [string[], string[]] | undefined {
  const b = before.map((r) => r.id);
  const a = after.map((r) => r.id);
  return b.length === a.length && b.every((id, i) => id === a[i]) ? undefined : [b, a];
}

/** Keyed by the user's ids ("__proto__", "constructor" included): no prototype to look through. */
function emptyRecordDiff<T>(): RecordDiff<T> {
  return Object.create(null);
}

function diffRecords<T extends { id: string }>(before: readonly T[], after: readonly T[]): RecordDiff<T> {
  const diff = emptyRecordDiff<T>();
  const afterById = new Map(after.map((r) => [r.id, r]));
  for (const r of before) {
    const next = afterById.get(r.id) ?? null;
    if (next !== r) diff[r.id] = [r, next];
  }
  const beforeIds = new Set(before.map((r) => r.id));
  for (const r of after) if (!beforeIds.has(r.id)) diff[r.id] = [null, r];
  return diff;
}

/** The records that differ between two documents; records are compared by identity (updates are immutable). */
export function diffDocs(before: GraphFile, after: GraphFile): DocDiff {
  const diff: DocDiff = { nodes: diffRecords(before.nodes, after.nodes), edges: diffRecords(before.edges, after.edges) };
  if (before.name !== after.name) diff.name = [before.name, after.name];
  const nodeOrder = orderChange(before.nodes, after.nodes);
  const edgeOrder = orderChange(before.edges, after.edges);
  if (nodeOrder) diff.nodeOrder = nodeOrder;
  if (edgeOrder) diff.edgeOrder = edgeOrder;
  return diff;
}

export function isEmptyDiff(diff: DocDiff): boolean {
  return Object.keys(diff.nodes).length === 0 && Object.keys(diff.edges).length === 0 && diff.name === undefined && !diff.nodeOrder && !diff.edgeOrder;
}

function applyRecords<T extends { id: string }>(records: readonly T[], diff: RecordDiff<T>, backward: boolean, order?: [string[], string[]]): T[] {
  const pick = (pair: [T | null, T | null]) => (backward ? pair[0] : pair[1]);
  const out: T[] = [];
  for (const r of records) {
    const pair = diff[r.id];
    if (!pair) out.push(r);
    else {
      const target = pick(pair);
      if (target) out.push(target);
    }
  }
  const present = new Set(records.map((r) => r.id));
  for (const id in diff) {
    const target = pick(diff[id]);
    if (target && !present.has(id)) out.push(target);
  }
  if (!order) return out;
  const rank = new Map((backward ? order[0] : order[1]).map((id, i) => [id, i]));
  const last = rank.size;
  return out.sort((x, y) => (rank.get(x.id) ?? last) - (rank.get(y.id) ?? last));
}

/** Applies a diff forward (redo) or backward (undo). */
export function applyDiff(doc: GraphFile, diff: DocDiff, direction: 'forward' | 'backward'): GraphFile {
  const backward = direction === 'backward';
  return {
    ...doc,
    name: diff.name ? diff.name[backward ? 0 : 1] : doc.name,
    nodes: applyRecords(doc.nodes, diff.nodes, backward, diff.nodeOrder),
    edges: applyRecords(doc.edges, diff.edges, backward, diff.edgeOrder),
  };
}

function squashRecords<T>(first: RecordDiff<T>, second: RecordDiff<T>): RecordDiff<T> {
  const out = Object.assign(emptyRecordDiff<T>(), first);
  for (const id in second) {
    const before = Object.hasOwn(first, id) ? first[id][0] : second[id][0];
    const after = second[id][1];
    if (before === after) delete out[id];
    else out[id] = [before, after];
  }
  return out;
}

/** One diff with the effect of `first` then `second` (a drag of many small moves becomes one step). */
export function squashDiffs(first: DocDiff, second: DocDiff): DocDiff {
  const out: DocDiff = { nodes: squashRecords(first.nodes, second.nodes), edges: squashRecords(first.edges, second.edges) };
  const name = first.name && second.name ? ([first.name[0], second.name[1]] as [string, string]) : (second.name ?? first.name);
  if (name && name[0] !== name[1]) out.name = name;
  for (const key of ['nodeOrder', 'edgeOrder'] as const) {
    const a = first[key];
    const b = second[key];
    if (a || b) out[key] = [a ? a[0] : b![0], b ? b[1] : a![1]];
  }
  return out;
}
