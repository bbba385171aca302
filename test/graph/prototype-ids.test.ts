/**
 * Node ids are the user's strings: "__proto__", "constructor", "toString" must work wherever a graph
 * goes (compiler, CLI init/grad, the service the app and the host call), never as a lookup through
 * Object.prototype.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { buildChainGraph } from '../../core/graph/chain';
import type { GraphFile } from '../../core/graph/format';
import { tempService } from '../service/fixtures';

const ids = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];

/** input -> conv -> pool -> fc -> output; the input is called `id`, the others by further Object.prototype names. */
function graphWithIds(id: string): GraphFile {
  const [conv, pool, fc, output] = ['__proto__', 'constructor', 'valueOf', 'toString', 'isPrototypeOf'].filter((x) => x !== id);
  return buildChainGraph('proto', [
    { kind: 'input', id, params: { channels: 1, height: 4, width: 4 } },
    { kind: 'conv', id: conv, params: { filters: 2, size: 3, padding: 1, activation: 'tanh' } },
    { kind: 'pool', id: pool, params: { mode: 'max', size: 2, stride: 2 } },
    { kind: 'fc', id: fc, params: { units: 3 } },
    { kind: 'output', id: output, params: { loss: 'softmax_ce', classes: 3, C: null } },
  ]);
}

function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } };
  return main(argv, io).then((code) => ({ code, stdout, stderr }));
}

const dir = mkdtempSync(join(tmpdir(), 'cnnwb-proto-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('node ids named like Object.prototype members', () => {
  it.each(ids)('cnnwb init and grad work with a node called %s', async (id) => {
    const graph = graphWithIds(id);
    graph.edges[0].id = '__proto__';
    const graphPath = join(dir, `${id}.json`);
    const modelPath = join(dir, `${id}-model.json`);
    const batchPath = join(dir, 'batch.json');
    writeFileSync(graphPath, JSON.stringify(graph));
    writeFileSync(batchPath, JSON.stringify({ x: [Array.from({ length: 16 }, (_, j) => Math.sin(j))], y: [1] }));
    const init = await run(['init', graphPath, '--seed', '2', '--out', modelPath]);
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    const model = JSON.parse(readFileSync(modelPath, 'utf8'));
    expect(model.layers.map((l: { nodeId: string }) => l.nodeId)).toEqual([graph.nodes[1].id, graph.nodes[3].id]);
    const grad = await run(['grad', modelPath, batchPath]);
    expect(grad.stderr).toBe('');
    expect(grad.code).toBe(0);
    expect(JSON.parse(grad.stdout).layers.map((l: { nodeId: string }) => l.nodeId)).toEqual(graph.nodes.slice(1, 4).map((n) => n.id));
  });

  it('the service compiles and opens such graphs', async () => {
    const t = tempService();
    try {
      for (const id of ids) {
        const graph = graphWithIds(id);
        const compiled = await t.service.compileGraph(graph);
        expect(compiled.errors, id).toEqual([]);
        expect(compiled.ok, id).toBe(true);
        expect(Object.keys(compiled.nodes).sort(), id).toEqual(graph.nodes.map((n) => n.id).sort());
        const opened = await t.service.openGraphText(JSON.stringify(graph), `${id}.json`);
        expect(opened.status, id).toBe('opened');
        if (opened.status === 'opened') expect(opened.graph.nodes.map((n) => n.id)).toEqual(graph.nodes.map((n) => n.id));
      }
    } finally {
      t.dispose();
    }
  });
});

describe('the editor document store with such ids', () => {
  it('moves, undoes and redoes nodes called constructor and __proto__ without losing any node', async () => {
    const { createEditorStore } = await import('../../renderer/src/document/editor-store');
    const graph = graphWithIds('constructor');
    const store = createEditorStore();
    const s = () => store.getState();
    s().load(graph, null, false);
    const moved = Object.create(null) as Record<string, { x: number; y: number }>;
    moved.__proto__ = { x: 500, y: 7 };
    s().moveNodes(moved, false);
    const position = (id: string) => s().doc.nodes.find((n) => n.id === id)?.position;
    expect(s().doc.nodes.map((n) => n.id)).toEqual(graph.nodes.map((n) => n.id));
    expect(position('__proto__')).toEqual({ x: 500, y: 7 });
    expect(position('constructor')).toEqual(graph.nodes[0].position);
    s().setParam('__proto__', 'filters', 5);
    s().undo();
    s().undo();
    expect(s().doc.nodes.map((n) => n.id)).toEqual(graph.nodes.map((n) => n.id));
    expect(position('__proto__')).toEqual(graph.nodes[1].position);
    s().redo();
    expect(position('__proto__')).toEqual({ x: 500, y: 7 });
    s().setMeasured('constructor', { width: 10, height: 20 });
    expect(Object.keys(s().measured)).toEqual(['constructor']);
    expect(s().compiled.ok).toBe(true);
  });
});
