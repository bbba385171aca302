/** A network small enough to train a few steps in any test: conv (stride 2) -> max pool -> fc. */
import { buildChainGraph } from '../../core/graph/chain';

export const tinyGraph = buildChainGraph('tiny', [
  { kind: 'input', params: { channels: 1, height: 28, width: 28 } },
  { kind: 'conv', params: { filters: 4, size: 5, stride: 2, padding: 0, activation: 'relu' } },
  { kind: 'pool', params: { mode: 'max', size: 2, stride: 2 } },
  { kind: 'fc', params: { units: 10, activation: 'linear' } },
  { kind: 'output', params: { loss: 'softmax_ce', classes: 10, C: null } },
]);
