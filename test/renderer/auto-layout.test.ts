import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseGraphText } from '../../core/graph/parse';
import { autoLayout, LAYOUT_GAP, layoutDirectionOf, NODE_SIZE_GUESS } from '../../renderer/src/document/auto-layout';
import { createEditorStore } from '../../renderer/src/document/editor-store';
import { resolveHostPath } from '../../renderer/src/editor/ResolvedPath';

const template = (id: string) => parseGraphText(readFileSync(join(import.meta.dirname, '..', '..', 'resources', 'templates', `${id}.json`), 'utf8'));

/** The chain from the input along the edges, as node ids. */
function chain(g: ReturnType<typeof template>): string[] {
  const ids: string[] = [];
  for (let id: string | undefined = g.nodes.find((n) => n.kind === 'input')!.id; id; id = g.edges.find((e) => e.source === id)?.target) ids.push(id);
  return ids;
}

describe('auto-layout across a wide canvas', () => {
  it('puts the chain in one row from the input rightwards, tops aligned, a label-wide gap between nodes', () => {
    const g = template('simplenn-3layer');
    const laid = autoLayout(g, 'right');
    const at = new Map(laid.nodes.map((n) => [n.id, n.position]));
    chain(g).forEach((id, i) => expect(at.get(id)).toEqual({ x: i * (NODE_SIZE_GUESS.width + LAYOUT_GAP.right), y: 0 }));
    expect(layoutDirectionOf(laid)).toBe('right');
    expect(layoutDirectionOf(autoLayout(g, 'down'))).toBe('down');
  });

  it('uses measured sizes: a node whose text wraps (taller) pushes the rest down, keeping the gap for the edge label', () => {
    const g = template('lenet5');
    const ids = chain(g);
    const sizes = Object.fromEntries(ids.map((id, i) => [id, { width: 240, height: i === 2 ? 140 : 70 }]));
    const at = new Map(autoLayout(g, 'down', sizes).nodes.map((n) => [n.id, n.position]));
    for (let i = 0; i + 1 < ids.length; i++) expect(at.get(ids[i + 1])!.y - (at.get(ids[i])!.y + sizes[ids[i]].height)).toBe(LAYOUT_GAP.down);
  });

  it('adds a node after the selected one in the direction the graph runs', () => {
    const store = createEditorStore();
    store.getState().replace(autoLayout(template('simplenn-3layer'), 'right'), null);
    const fc = store.getState().doc.nodes.find((n) => n.kind === 'fc')!;
    store.getState().select([fc.id]);
    const added = store.getState().addNode('activation');
    const p = store.getState().doc.nodes.find((n) => n.id === added)!.position;
    expect(p).toEqual({ x: fc.position.x + NODE_SIZE_GUESS.width + LAYOUT_GAP.right, y: fc.position.y });
  });
});

describe('host paths in the browser dialogs', () => {
  it('resolve a relative entry against the working folder and keep an absolute one', () => {
    expect(resolveHostPath('model.onnx', '/home/me/work')).toBe('/home/me/work/model.onnx');
    expect(resolveHostPath('../out/./m.json', '/home/me/work')).toBe('/home/me/out/m.json');
    expect(resolveHostPath('/tmp/x.json', '/home/me')).toBe('/tmp/x.json');
    expect(resolveHostPath('runs\\a.cnnwb', 'C:\\Users\\me')).toBe('C:\\Users\\me\\runs\\a.cnnwb');
    expect(resolveHostPath('D:\\x.onnx', 'C:\\Users\\me')).toBe('D:\\x.onnx');
  });
});
