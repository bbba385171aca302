import type { GraphNode, NodeKind } from '../../../core/api/contract';

export const KIND_LABEL: Record<NodeKind, string> = {
  input: 'Input',
  conv: 'Convolution',
  pool: 'Pooling',
  activation: 'Activation',
  fc: 'Fully connected',
  output: 'Output / loss',
};

/** A one-line summary of a node's parameters, in the lecture's terms. */
export function paramSummary(node: GraphNode): string {
  switch (node.kind) {
    case 'input':
      return `${node.params.channels}x${node.params.height}x${node.params.width}`;
    case 'conv':
      return `${node.params.filters} filters ${node.params.size}x${node.params.size}, s ${node.params.stride}, p ${node.params.padding}, ${node.params.activation}`;
    case 'pool':
      return `${node.params.mode} ${node.params.size}x${node.params.size}, s ${node.params.stride}`;
    case 'activation':
      return node.params.fn;
    case 'fc':
      return `${node.params.units} units, ${node.params.activation}`;
    case 'output':
      return `${node.params.loss}, ${node.params.classes} classes`;
    default:
      return '';
  }
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** 1234567 -> "1.23M": multiply-adds are large. */
export function formatCompact(n: number): string {
  if (n < 1000) return String(n);
  const units = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ] as const;
  for (const [size, suffix] of units) if (n >= size) return `${Number((n / size).toPrecision(3))}${suffix}`;
  return String(n);
}

/** "1 epoch", "3 epochs": a count with its noun in the right number. */
export function countOf(n: number, noun: string): string {
  return `${formatCount(n)} ${noun}${n === 1 ? '' : 's'}`;
}
