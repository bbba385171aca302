import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildChainGraph, type ChainLayer } from '../../core/graph/chain';
import { compileGraph } from '../../core/graph/compile';
import type { GraphFile } from '../../core/graph/format';
import { GraphFormatError, parseGraph, parseGraphText } from '../../core/graph/parse';
import { formatShape } from '../../core/graph/shape';

const input: ChainLayer = { kind: 'input', params: { channels: 1, height: 28, width: 28 } };
const out10: ChainLayer = { kind: 'output', params: { loss: 'squared', classes: 10, C: null } };

function messages(g: GraphFile): { nodeId: string | null; message: string }[] {
  const r = compileGraph(g);
  expect(r.ok).toBe(false);
  return r.errors.map((e) => ({ nodeId: e.nodeId, message: e.message }));
}

describe('shape inference', () => {
  it('infers every edge, parameter count and MACs of the simpleNN 3-layer template', () => {
    const g = parseGraphText(readFileSync('resources/templates/simplenn-3layer.json', 'utf8'));
    const r = compileGraph(g);
    expect(r.errors).toEqual([]);
    expect(g.edges.map((e) => formatShape(r.edgeShapes[e.id]))).toEqual(['1x28x28', '32x28x28', '32x14x14', '64x14x14', '64x7x7', '64x7x7', '64x3x3', '10']);
    expect(r.nodes.conv1).toMatchObject({ paramCount: 5 * 5 * 32 + 32, macs: 5 * 5 * 32 * 28 * 28 });
    expect(r.nodes.fc1.paramCount).toBe(576 * 10 + 10);
    expect(r.totals.paramCount).toBe(832 + 18496 + 36928 + 5770);
    expect(r.network!.layers.map((l) => l.kind)).toEqual(['conv', 'pool', 'conv', 'pool', 'conv', 'pool', 'fc']);
  });

  it('uses floor((a + 2p - h)/s) + 1 for strided convolutions and pools', () => {
    const g = buildChainGraph('t', [input, { kind: 'conv', params: { filters: 4, size: 3, stride: 2, padding: 0 } }, { kind: 'pool', params: { mode: 'max', size: 3, stride: 2 } }, { kind: 'fc', params: { units: 10 } }, out10]);
    const r = compileGraph(g);
    expect(r.ok).toBe(true);
    expect(formatShape(r.nodes.conv1.outShape!)).toBe('4x13x13');
    expect(formatShape(r.nodes.pool1.outShape!)).toBe('4x6x6');
  });

  it('all templates compile', () => {
    for (const t of ['simplenn-3layer', 'simplenn-7layer', 'lenet5']) {
      const r = compileGraph(parseGraphText(readFileSync(`resources/templates/${t}.json`, 'utf8')));
      expect(r.errors, t).toEqual([]);
    }
  });
});

describe('compiler errors name the node and the cause', () => {
  it('a filter larger than its padded input', () => {
    const g = buildChainGraph('t', [{ kind: 'input', params: { channels: 1, height: 3, width: 3 } }, { kind: 'conv', params: { size: 7, padding: 0 } }, { kind: 'fc', params: { units: 10 } }, out10]);
    expect(messages(g)).toContainEqual({ nodeId: 'conv1', message: 'convolution node "conv1": filter 7x7 is larger than its padded input 3x3 (input 3x3, padding 0)' });
  });

  it('a size that reaches zero', () => {
    const g = buildChainGraph('t', [{ kind: 'input', params: { channels: 1, height: 3, width: 3 } }, { kind: 'pool', params: { size: 4, stride: 4 } }, { kind: 'fc', params: { units: 10 } }, out10]);
    expect(messages(g)).toContainEqual({ nodeId: 'pool1', message: 'pooling node "pool1": pool window 4x4 is larger than its input 3x3: the size would reach 0' });
  });

  it('a missing input', () => {
    const g = buildChainGraph('t', [input, { kind: 'fc', params: { units: 10 } }, out10]);
    g.edges = g.edges.filter((e) => e.target !== 'fc1');
    const m = messages(g);
    expect(m).toContainEqual({ nodeId: 'fc1', message: 'fully connected node "fc1" has no input: connect a node to it' });
    expect(m).toContainEqual({ nodeId: 'input1', message: 'input node "input1" is not connected to anything' });
  });

  it('a cycle', () => {
    const g = buildChainGraph('t', [input, { kind: 'conv' }, { kind: 'activation' }, { kind: 'fc', params: { units: 10 } }, out10]);
    g.edges.push({ id: 'back', source: 'activation1', target: 'conv1' });
    const m = messages(g);
    expect(m.some((e) => /is on a cycle \("conv1" -> "activation1" -> "conv1"\)|is on a cycle \("activation1" -> "conv1" -> "activation1"\)/.test(e.message))).toBe(true);
  });

  it('a node connected to itself', () => {
    const g = buildChainGraph('t', [input, { kind: 'fc', params: { units: 10 } }, out10]);
    g.edges.push({ id: 'self', source: 'fc1', target: 'fc1' });
    expect(messages(g)).toContainEqual({ nodeId: 'fc1', message: 'fully connected node "fc1" is connected to itself: a cycle' });
  });

  it('two inputs into one node', () => {
    const g = buildChainGraph('t', [input, { kind: 'conv' }, { kind: 'fc', params: { units: 10 } }, out10]);
    g.nodes.push({ id: 'extra', name: 'extra', kind: 'activation', params: { fn: 'relu' }, position: { x: 0, y: 0 } });
    g.edges.push({ id: 'e1', source: 'input1', target: 'extra' }, { id: 'e2', source: 'extra', target: 'fc1' });
    const m = messages(g);
    expect(m).toContainEqual({ nodeId: 'fc1', message: 'fully connected node "fc1" has two inputs ("conv1", "extra"); each layer takes exactly one' });
    expect(m).toContainEqual({ nodeId: 'input1', message: 'input node "input1" branches to "conv1" and "extra": the vector form is a chain from input to output, so branches are not supported' });
  });

  it('two input nodes', () => {
    const g = buildChainGraph('t', [input, { kind: 'fc', params: { units: 10 } }, out10]);
    g.nodes.push({ id: 'in2', name: 'second', kind: 'input', params: { channels: 1, height: 2, width: 2 }, position: { x: 0, y: 0 } });
    expect(messages(g)).toContainEqual({ nodeId: 'in2', message: 'input node "second": the graph has 2 input nodes ("input1", "second"); it takes exactly one' });
  });

  it('a disconnected node', () => {
    const g = buildChainGraph('t', [input, { kind: 'fc', params: { units: 10 } }, out10]);
    g.nodes.push({ id: 'lonely', name: 'lonely', kind: 'conv', params: { filters: 2, size: 3, stride: 1, padding: 0, activation: 'relu' }, position: { x: 0, y: 0 } });
    expect(messages(g)).toContainEqual({ nodeId: 'lonely', message: 'convolution node "lonely" is not connected to anything' });
  });

  it('a branch', () => {
    const g = buildChainGraph('t', [input, { kind: 'conv' }, { kind: 'fc', params: { units: 10 } }, out10]);
    g.nodes.push({ id: 'side', name: 'side', kind: 'pool', params: { mode: 'max', size: 2, stride: 2 }, position: { x: 0, y: 0 } });
    g.edges.push({ id: 'b', source: 'conv1', target: 'side' });
    const m = messages(g);
    expect(m).toContainEqual({ nodeId: 'conv1', message: 'convolution node "conv1" branches to "fc1" and "side": the vector form is a chain from input to output, so branches are not supported' });
  });

  it('an unknown kind', () => {
    const g = buildChainGraph('t', [input, { kind: 'fc', params: { units: 10 } }, out10]);
    (g.nodes[1] as { kind: string }).kind = 'dropout';
    expect(messages(g)).toContainEqual({ nodeId: 'fc1', message: 'dropout node "fc1": unknown kind "dropout" (expected one of input, conv, pool, activation, fc, output)' });
  });

  it.each([
    ['stride', { stride: 0 }, 'convolution node "conv1": stride must be a whole number >= 1 (got 0)'],
    ['padding', { padding: -1 }, 'convolution node "conv1": padding must be a whole number >= 0 (got -1)'],
    ['filters', { filters: 2.5 }, 'convolution node "conv1": filters must be a whole number >= 1 (got 2.5)'],
    ['size', { size: 'big' }, 'convolution node "conv1": filter size must be a whole number >= 1 (got "big")'],
    ['activation', { activation: 'swish' }, 'convolution node "conv1": unknown activation "swish" (expected one of relu, leaky_relu, tanh, sigmoid, linear)'],
    ['leak', { activation: 'leaky_relu', leak: 2 }, 'convolution node "conv1": leak must be a number in [0, 1) (got 2)'],
  ])('a bad number: %s', (_n, params, message) => {
    const g = buildChainGraph('t', [input, { kind: 'conv', params: params as never }, { kind: 'fc', params: { units: 10 } }, out10]);
    expect(messages(g)).toContainEqual({ nodeId: 'conv1', message });
  });

  it('a bad C and a class count that does not match', () => {
    const g = buildChainGraph('t', [input, { kind: 'fc', params: { units: 7 } }, { kind: 'output', params: { loss: 'squared', classes: 10, C: -1 } }]);
    expect(messages(g)).toContainEqual({ nodeId: 'output1', message: 'output node "output1": C must be a positive number, or null for no regulariser (got -1)' });
    g.nodes[2].params = { loss: 'squared', classes: 10, C: null };
    expect(messages(g)).toContainEqual({ nodeId: 'output1', message: 'output node "output1": expects 10 class scores but its input has 7 values (7); end the network with a fully-connected layer of 10 units' });
  });

  it('no input, no output', () => {
    const g = buildChainGraph('t', [{ kind: 'fc', params: { units: 10 } }]);
    const m = messages(g).map((e) => e.message);
    expect(m).toContain('the graph has no input node');
    expect(m).toContain('the graph has no output node');
  });

  it('shapes are still inferred up to the first error (for the editor)', () => {
    const g = buildChainGraph('t', [input, { kind: 'conv', params: { filters: 8 } }, { kind: 'pool' }, { kind: 'conv', params: { size: 30 } }, { kind: 'fc', params: { units: 10 } }, out10]);
    const r = compileGraph(g);
    expect(r.ok).toBe(false);
    expect(formatShape(r.edgeShapes['e-pool1-conv2'])).toBe('8x14x14');
    expect(r.edgeShapes['e-conv2-fc1']).toBeUndefined();
  });
});

describe('parseGraph', () => {
  it.each([
    [[], 'graph: expected a JSON object'],
    [{ format: 'x' }, 'format: expected "cnnwb-graph", got "x"'],
    [{ format: 'cnnwb-graph', version: 9, nodes: [], edges: [] }, 'version: this file is version 9, written by a newer CNN Workbench; this one reads version 1'],
    [{ format: 'cnnwb-graph', version: 1, nodes: {}, edges: [] }, 'nodes: expected an array'],
    [{ format: 'cnnwb-graph', version: 1, nodes: [{ id: 'a', kind: 'fc', params: {} }, { id: 'a', kind: 'fc', params: {} }], edges: [] }, 'nodes[1].id: duplicate node id "a"'],
    [{ format: 'cnnwb-graph', version: 1, nodes: [{ id: 'a', kind: 'fc' }], edges: [] }, 'nodes[0].params: expected an object'],
    [{ format: 'cnnwb-graph', version: 1, nodes: [], edges: [{ id: 'e', source: 'a' }] }, 'edges[0].target: expected a non-empty string'],
  ])('rejects %j with "%s"', (raw, message) => {
    expect(() => parseGraph(raw)).toThrow(new GraphFormatError(message.split(': ')[0], message.slice(message.indexOf(': ') + 2)));
  });

  it('reports a JSON syntax error', () => {
    expect(() => parseGraphText('{"format": ')).toThrow(/^JSON: /);
  });
});

describe('a convolution on a 1x1 map (formats.md: only a fully-connected layer makes a vector)', () => {
  it('accepts conv 3x3 pad 1 on the 3x1x1 map an avg-pool makes, with no fully-connected layer before it', () => {
    const g = buildChainGraph('t', [
      { kind: 'input', params: { channels: 3, height: 7, width: 7 } },
      { kind: 'conv', params: { filters: 3, size: 3, stride: 1, padding: 0 } },
      { kind: 'pool', params: { mode: 'avg', size: 3, stride: 3 } },
      { kind: 'conv', params: { filters: 4, size: 3, stride: 1, padding: 1 } },
      { kind: 'fc', params: { units: 10 } },
      out10,
    ]);
    const r = compileGraph(g);
    expect(r.errors).toEqual([]);
    expect(formatShape(r.nodes.pool1.outShape!)).toBe('3');
    expect(formatShape(r.nodes.conv2.outShape!)).toBe('4');
  });

  it('accepts a 3x3 filter on a 1x1 input image with several channels', () => {
    const g = buildChainGraph('t', [{ kind: 'input', params: { channels: 5, height: 1, width: 1 } }, { kind: 'conv', params: { filters: 2, size: 3, padding: 1 } }, { kind: 'fc', params: { units: 10 } }, out10]);
    expect(compileGraph(g).errors).toEqual([]);
  });

  it('refuses a filter larger than 1x1 on the vector a fully-connected layer makes, naming that layer', () => {
    const g = buildChainGraph('t', [input, { kind: 'fc', params: { units: 8 } }, { kind: 'activation', params: { fn: 'relu' } }, { kind: 'conv', params: { filters: 2, size: 3, padding: 1 } }, { kind: 'fc', id: 'fc2', params: { units: 10 } }, out10]);
    expect(messages(g)).toContainEqual({
      nodeId: 'conv1',
      message: 'convolution node "conv1": its input is the vector of 8 values from fully connected node "fc1"; a filter larger than 1x1 needs an image, so place it before the fully-connected layer or use size 1',
    });
  });

  it('accepts a 1x1 convolution after a fully-connected layer', () => {
    const g = buildChainGraph('t', [input, { kind: 'fc', params: { units: 8 } }, { kind: 'conv', params: { filters: 10, size: 1, padding: 0 } }, out10]);
    expect(compileGraph(g).errors).toEqual([]);
  });
});

describe('node ids that are names on Object.prototype', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'])('a node called %s compiles like any other', (id) => {
    for (const at of [0, 1, 2]) {
      const layers = ([input, { kind: 'fc', params: { units: 10 } }, out10] as ChainLayer[]).map((l, i) => (i === at ? { ...l, id } : l));
      const g = buildChainGraph('t', layers);
      const r = compileGraph(g);
      expect(r.errors).toEqual([]);
      expect(Object.keys(r.nodes)).toContain(id);
      expect(r.nodes[id].outShape).not.toBeNull();
      expect(r.totals.paramCount).toBe(784 * 10 + 10);
      // What the editor and the host receive: the same after JSON
      const sent = JSON.parse(JSON.stringify(r));
      expect(Object.keys(sent.nodes)).toContain(id);
      expect(Object.keys(sent.edgeShapes)).toHaveLength(2);
    }
  });

  it('an edge id __proto__ carries its shape', () => {
    const g = buildChainGraph('t', [input, { kind: 'fc', params: { units: 10 } }, out10]);
    g.edges[0].id = '__proto__';
    const r = compileGraph(g);
    expect(formatShape(r.edgeShapes.__proto__)).toBe('1x28x28');
  });
});
