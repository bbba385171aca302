import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseGraphText } from '../../core/graph/parse';
import { autoLayout, LAYOUT_ROW_HEIGHT } from '../../renderer/src/document/auto-layout';
import { applyDiff, diffDocs, squashDiffs } from '../../renderer/src/document/doc-diff';
import { createEditorStore } from '../../renderer/src/document/editor-store';
import { emptyGraph } from '../../renderer/src/document/node-factory';
import { parseField } from '../../renderer/src/editor/ParamField';

const template = (id: string) => parseGraphText(readFileSync(join(import.meta.dirname, '..', '..', 'resources', 'templates', `${id}.json`), 'utf8'));

/** Builds input -> conv1 -> pool1 -> fc1 -> output through the store's user actions. */
function smallChain() {
  const store = createEditorStore();
  const s = () => store.getState();
  const ids = (['input', 'conv', 'pool', 'fc', 'output'] as const).map((k, i) => s().addNode(k, { x: 0, y: i * 100 }));
  for (let i = 0; i + 1 < ids.length; i++) expect(s().connect(ids[i], ids[i + 1])).toBe(true);
  return { store, s, ids };
}

describe('editor document store', () => {
  it('names new nodes like the templates and compiles live', () => {
    const { s, ids } = smallChain();
    expect(ids).toEqual(['input', 'conv1', 'pool1', 'fc1', 'output']);
    expect(s().compiled.ok).toBe(true);
    expect(s().compiled.edgeShapes['e-conv1-pool1']).toEqual({ d: 32, a: 28, b: 28 });
    expect(s().compiled.edgeShapes['e-pool1-fc1']).toEqual({ d: 32, a: 14, b: 14 });
    expect(s().dirty).toBe(true);
  });

  it('refuses self-loops and duplicate edges', () => {
    const { s } = smallChain();
    expect(s().connect('conv1', 'conv1')).toBe(false);
    expect(s().connect('input', 'conv1')).toBe(false);
    expect(s().doc.edges).toHaveLength(4);
  });

  it('undoes and redoes each user action, and a drag as one step', () => {
    const { s } = smallChain();
    const built = s().doc;
    s().setParam('conv1', 'size', 7, { mark: false });
    s().setParam('conv1', 'size', 9, { mark: false });
    s().mark();
    s().moveNodes({ fc1: { x: 10, y: 10 } }, true);
    s().moveNodes({ fc1: { x: 50, y: 70 } }, true);
    s().moveNodes({ fc1: { x: 90, y: 310 } }, false);
    expect(s().doc.nodes.find((n) => n.id === 'fc1')!.position).toEqual({ x: 90, y: 310 });
    s().undo();
    expect(s().doc.nodes.find((n) => n.id === 'fc1')!.position).toEqual({ x: 0, y: 300 });
    expect(s().doc.nodes.find((n) => n.id === 'conv1')!.params).toMatchObject({ size: 9 });
    s().undo();
    expect(s().doc).toEqual(built);
    expect(s().canRedo).toBe(true);
    s().redo();
    expect(s().doc.nodes.find((n) => n.id === 'conv1')!.params).toMatchObject({ size: 9 });
    s().undo();
    // undo all the way to the empty canvas: 5 adds + 4 connects
    for (let i = 0; i < 9; i++) s().undo();
    expect(s().doc.nodes).toEqual([]);
    expect(s().canUndo).toBe(false);
    // a new edit drops the redo stack
    s().addNode('input', { x: 0, y: 0 });
    expect(s().canRedo).toBe(false);
  });

  it('deletes the selection with its edges, and undo brings both back', () => {
    const { s } = smallChain();
    const built = s().doc;
    s().select(['pool1']);
    s().deleteSelection();
    expect(s().doc.nodes.map((n) => n.id)).toEqual(['input', 'conv1', 'fc1', 'output']);
    expect(s().doc.edges.map((e) => e.id)).toEqual(['e-input-conv1', 'e-fc1-output']);
    expect(s().compiled.ok).toBe(false);
    s().undo();
    expect(s().doc).toEqual(built);
  });

  it('copies and pastes a selection with fresh names and its inner edges', () => {
    const { s } = smallChain();
    s().select(['conv1', 'pool1']);
    expect(s().copy()!.edges.map((e) => e.id)).toEqual(['e-conv1-pool1']);
    s().paste();
    expect(s().selectedNodes).toEqual(['conv2', 'pool2']);
    const conv2 = s().doc.nodes.find((n) => n.id === 'conv2')!;
    expect(conv2.position).toEqual({ x: 40, y: 140 });
    expect(s().doc.edges.some((e) => e.source === 'conv2' && e.target === 'pool2')).toBe(true);
    s().undo();
    expect(s().doc.nodes.map((n) => n.id)).toEqual(['input', 'conv1', 'pool1', 'fc1', 'output']);
  });

  it('adds by keyboard after the selected node, connecting it when that node leads nowhere', () => {
    const store = createEditorStore();
    const s = () => store.getState();
    s().addNode('input');
    const conv = s().addNode('conv');
    expect(s().doc.edges).toEqual([{ id: 'e-input-conv1', source: 'input', target: conv }]);
    expect(s().doc.nodes.find((n) => n.id === conv)!.position).toEqual({ x: 0, y: LAYOUT_ROW_HEIGHT });
  });

  it('replacing the document (new, template, open) is one undoable step; loading a draft is not', () => {
    const { s } = smallChain();
    const built = s().doc;
    s().replace(template('lenet5'), '/x/lenet.json');
    expect(s().filePath).toBe('/x/lenet.json');
    expect(s().dirty).toBe(false);
    s().undo();
    expect(s().doc.nodes).toEqual(built.nodes);
    s().load(template('lenet5'), null, true);
    expect(s().canUndo).toBe(false);
    expect(s().dirty).toBe(true);
  });
});

describe('document diffs', () => {
  it('apply backward and forward exactly, and squash into one', () => {
    const a = template('simplenn-3layer');
    const b = autoLayout({ ...a, nodes: a.nodes.map((n, i) => ({ ...n, position: { x: i * 7, y: 3 } })) });
    const c = { ...b, name: 'renamed', nodes: b.nodes.slice(1), edges: b.edges.slice(1) };
    const ab = diffDocs(a, b);
    const bc = diffDocs(b, c);
    expect(applyDiff(a, ab, 'forward')).toEqual(b);
    expect(applyDiff(c, bc, 'backward')).toEqual(b);
    const ac = squashDiffs(ab, bc);
    expect(applyDiff(a, ac, 'forward')).toEqual(c);
    expect(applyDiff(c, ac, 'backward')).toEqual(a);
  });

  it('auto-layout puts the chain in one column from the input down', () => {
    const g = template('lenet5');
    const laid = autoLayout({ ...g, nodes: [...g.nodes].reverse() });
    const byId = new Map(laid.nodes.map((n) => [n.id, n.position]));
    let id: string | undefined = g.nodes.find((n) => n.kind === 'input')!.id;
    let row = 0;
    while (id) {
      expect(byId.get(id)).toEqual({ x: 0, y: row * LAYOUT_ROW_HEIGHT });
      row++;
      id = g.edges.find((e) => e.source === id)?.target;
    }
    expect(row).toBe(g.nodes.length);
  });
});

describe('parameter fields', () => {
  it('validate as you type', () => {
    const filters = { key: 'filters', label: 'Filters', type: 'int' as const, min: 1 };
    expect(parseField(filters, '64')).toEqual({ value: 64 });
    expect(parseField(filters, '0')).toBe('Filters must be at least 1');
    expect(parseField(filters, '6.5')).toBe('Filters must be a whole number ≥ 1');
    expect(parseField(filters, '')).toBe('Filters must be a whole number ≥ 1');
    const C = { key: 'C', label: 'C', type: 'optionalNumber' as const, min: 0 };
    expect(parseField(C, '')).toEqual({ value: null });
    expect(parseField(C, '0')).toBe('C must be greater than 0');
    expect(parseField(C, '0.5')).toEqual({ value: 0.5 });
    const leak = { key: 'leak', label: 'Leak', type: 'number' as const, min: 0, below: 1 };
    expect(parseField(leak, '1')).toBe('Leak must be below 1');
  });

  it('emptyGraph is a valid empty document', () => {
    expect(parseGraphText(JSON.stringify(emptyGraph()))).toEqual(emptyGraph());
  });
});
