/**
 * What a sweep can vary: a training setting by its short name (`lr`, `optimizer`, `batch`, `C`,
 * ...), or a graph parameter as `node.param` (`conv1.filters`, `fc1.units`, `conv2.size`,
 * `conv1.activation`), the node named by its name or its id. Each dimension knows the type of
 * its values, reads them from text (the CLI, the app's fields) and writes one value into a copy
 * of the base settings or graph.
 */
import { ACTIVATION_KINDS, type GraphFile, type GraphNode, type NodeKind } from '../graph/format';
import { OPTIMIZER_NAMES, type TrainingConfigInput } from '../train/config';

export type SweepValue = number | string | boolean | null;

/** How a dimension's values are typed. `augmentation`: none | flip | shiftN | flip+shiftN. */
export type ValueType = 'number' | 'int' | 'boolean' | 'number-or-none' | { oneOf: readonly string[] } | 'augmentation';

interface SettingTarget {
  type: ValueType;
  /** The TrainingConfig field(s) it sets, as resolveTrainingConfig names them in errors. */
  fields: string[];
  describe: string;
  apply(config: TrainingConfigInput, v: SweepValue): TrainingConfigInput;
}

const num = (v: SweepValue) => v as number;

/** Training settings by the names the CLI's flags use (docs/training.md). */
export const SETTINGS: Readonly<Record<string, SettingTarget>> = {
  lr: { type: 'number', fields: ['sgd.lr', 'adam.lr'], describe: 'learning rate (SGD and Adam)', apply: (c, v) => ({ ...c, sgd: { ...c.sgd, lr: num(v) }, adam: { ...c.adam, lr: num(v) } }) },
  optimizer: { type: { oneOf: OPTIMIZER_NAMES }, fields: ['optimizer'], describe: 'sgd, adam or newton', apply: (c, v) => ({ ...c, optimizer: v as TrainingConfigInput['optimizer'] }) },
  batch: { type: 'int', fields: ['batchSize'], describe: 'batch size', apply: (c, v) => ({ ...c, batchSize: num(v) }) },
  epochs: { type: 'int', fields: ['epochs'], describe: 'epochs', apply: (c, v) => ({ ...c, epochs: num(v) }) },
  momentum: { type: 'number', fields: ['sgd.momentum'], describe: 'SGD momentum', apply: (c, v) => ({ ...c, sgd: { ...c.sgd, momentum: num(v) } }) },
  decay: { type: 'number', fields: ['sgd.decay', 'adam.decay'], describe: 'learning-rate decay', apply: (c, v) => ({ ...c, sgd: { ...c.sgd, decay: num(v) }, adam: { ...c.adam, decay: num(v) } }) },
  beta1: { type: 'number', fields: ['adam.beta1'], describe: 'Adam beta1', apply: (c, v) => ({ ...c, adam: { ...c.adam, beta1: num(v) } }) },
  beta2: { type: 'number', fields: ['adam.beta2'], describe: 'Adam beta2', apply: (c, v) => ({ ...c, adam: { ...c.adam, beta2: num(v) } }) },
  averaging: { type: 'number', fields: ['averageDecay'], describe: 'weight averaging beta (0: off)', apply: (c, v) => ({ ...c, averageDecay: num(v) }) },
  shift: { type: 'int', fields: ['augmentation.maxShift'], describe: 'augmentation: largest shift in pixels', apply: (c, v) => ({ ...c, augmentation: { ...c.augmentation, maxShift: num(v) } }) },
  flip: { type: 'boolean', fields: ['augmentation.horizontalFlip'], describe: 'augmentation: horizontal flips', apply: (c, v) => ({ ...c, augmentation: { ...c.augmentation, horizontalFlip: v as boolean } }) },
  augmentation: {
    type: 'augmentation',
    fields: ['augmentation.maxShift', 'augmentation.horizontalFlip'],
    describe: 'none, flip, shiftN or flip+shiftN',
    apply: (c, v) => {
      const parts = String(v).split('+');
      const shift = parts.find((p) => p.startsWith('shift'));
      return { ...c, augmentation: { maxShift: shift ? Number(shift.slice(5)) : 0, horizontalFlip: parts.includes('flip') } };
    },
  },
  subsample: { type: 'number', fields: ['newton.subsampleFraction'], describe: 'Newton: Gauss-Newton subsample fraction', apply: (c, v) => ({ ...c, newton: { ...c.newton, subsampleFraction: num(v) } }) },
  patience: { type: 'int', fields: ['earlyStoppingPatience'], describe: 'epochs without a better validation accuracy before a run stops (0: never)', apply: (c, v) => ({ ...c, earlyStoppingPatience: num(v) }) },
  seed: { type: 'int', fields: ['seed'], describe: 'seed of the initial weights, split and data order', apply: (c, v) => ({ ...c, seed: num(v) }) },
};

/** `C` is the output node's regularisation constant (f = theta^T theta / 2C + mean loss): a graph value with a setting's name. */
const GRAPH_SETTINGS: Readonly<Record<string, { kind: NodeKind; param: string }>> = { C: { kind: 'output', param: 'C' } };

/** The parameters a sweep may vary on each kind of node, and their types. */
const NODE_PARAMS: Readonly<Partial<Record<NodeKind, Record<string, ValueType>>>> = {
  conv: { filters: 'int', size: 'int', stride: 'int', padding: 'int', activation: { oneOf: ACTIVATION_KINDS }, leak: 'number' },
  pool: { mode: { oneOf: ['max', 'avg'] }, size: 'int', stride: 'int' },
  activation: { fn: { oneOf: ACTIVATION_KINDS }, leak: 'number' },
  fc: { units: 'int', activation: { oneOf: ACTIVATION_KINDS }, leak: 'number' },
  output: { C: 'number-or-none', loss: { oneOf: ['squared', 'softmax_ce'] } },
};

/** A dimension resolved against the base graph: a setting, or one parameter of one node. */
export type DimensionTarget =
  | { kind: 'setting'; name: string; type: ValueType; setting: SettingTarget }
  | { kind: 'node'; name: string; type: ValueType; nodeId: string; param: string };

/** Why a dimension's name cannot be varied (thrown as SweepSpecError by the caller, with the name). */
export class UnknownDimension extends Error {}

export function resolveDimension(name: string, graph: GraphFile): DimensionTarget {
  const setting = SETTINGS[name];
  if (setting) return { kind: 'setting', name, type: setting.type, setting };
  const graphSetting = GRAPH_SETTINGS[name];
  if (graphSetting) {
    const nodes = graph.nodes.filter((n) => n.kind === graphSetting.kind);
    if (nodes.length !== 1) throw new UnknownDimension(`the graph has ${nodes.length} ${graphSetting.kind} nodes; name one as node.${graphSetting.param}`);
    return { kind: 'node', name, type: NODE_PARAMS[graphSetting.kind]![graphSetting.param], nodeId: nodes[0].id, param: graphSetting.param };
  }
  const dot = name.lastIndexOf('.');
  if (dot <= 0) throw new UnknownDimension(`not a training setting (${[...Object.keys(SETTINGS), ...Object.keys(GRAPH_SETTINGS)].join(', ')}) nor node.param`);
  const [nodeName, param] = [name.slice(0, dot), name.slice(dot + 1)];
  const node: GraphNode | undefined = graph.nodes.find((n) => n.name === nodeName) ?? graph.nodes.find((n) => n.id === nodeName);
  if (!node) throw new UnknownDimension(`the graph has no node "${nodeName}" (nodes: ${graph.nodes.map((n) => n.name).join(', ')})`);
  const params = NODE_PARAMS[node.kind] ?? {};
  const type = params[param];
  if (!type) {
    const allowed = Object.keys(params);
    throw new UnknownDimension(`a ${node.kind} node has no parameter "${param}" a sweep can vary${allowed.length ? ` (${allowed.join(', ')})` : ''}`);
  }
  return { kind: 'node', name, type, nodeId: node.id, param };
}

/** Reads one value from text (or checks a typed value), by the dimension's type; throws a one-line problem. */
export function parseValue(type: ValueType, raw: SweepValue): SweepValue {
  const text = String(raw).trim();
  if (type === 'boolean') {
    if (raw === true || raw === false) return raw;
    if (['true', 'on', 'yes', '1'].includes(text)) return true;
    if (['false', 'off', 'no', '0'].includes(text)) return false;
    throw new Error('expected true or false');
  }
  if (type === 'augmentation') {
    if (!/^(none|flip|shift\d+|flip\+shift\d+|shift\d+\+flip)$/.test(text)) throw new Error('expected none, flip, shiftN or flip+shiftN');
    return text;
  }
  if (typeof type === 'object') {
    if (!type.oneOf.includes(text)) throw new Error(`expected one of ${type.oneOf.join(', ')}`);
    return text;
  }
  if (type === 'number-or-none' && (raw === null || text === 'none' || text === 'null')) return null;
  const n = typeof raw === 'number' ? raw : text === '' ? NaN : Number(text);
  if (!Number.isFinite(n)) throw new Error(type === 'number-or-none' ? 'expected a number or none' : 'expected a number');
  if (type === 'int' && !Number.isInteger(n)) throw new Error('expected a whole number');
  return n;
}

/** Whether a dimension's values can be drawn from a continuous range (random search). */
export const isNumeric = (type: ValueType) => type === 'number' || type === 'int' || type === 'number-or-none';

/** The base settings and graph with one dimension set to `value` (new objects; the inputs are untouched). */
export function applyValue(target: DimensionTarget, value: SweepValue, base: { settings: TrainingConfigInput; graph: GraphFile }): { settings: TrainingConfigInput; graph: GraphFile } {
  if (target.kind === 'setting') return { settings: target.setting.apply(base.settings, value), graph: base.graph };
  const graph: GraphFile = {
    ...base.graph,
    nodes: base.graph.nodes.map((n) => (n.id === target.nodeId ? ({ ...n, params: { ...n.params, [target.param]: value } } as GraphNode) : n)),
  };
  return { settings: base.settings, graph };
}

/** Every name a sweep can vary on this graph, for a builder's list: the settings, then node.param of each node. */
export function dimensionChoices(graph: GraphFile): { name: string; describe: string }[] {
  const settings = Object.entries(SETTINGS).map(([name, s]) => ({ name, describe: s.describe }));
  const outputs = graph.nodes.filter((n) => n.kind === 'output');
  const c = outputs.length === 1 ? [{ name: 'C', describe: 'regularisation constant of the output node (none: no regulariser)' }] : [];
  const nodes = graph.nodes.flatMap((n) => Object.keys(NODE_PARAMS[n.kind] ?? {}).filter((p) => !(n.kind === 'output' && p === 'C' && c.length)).map((p) => ({ name: `${n.name}.${p}`, describe: `${n.kind} node ${n.name}: ${p}` })));
  return [...settings, ...c, ...nodes];
}
