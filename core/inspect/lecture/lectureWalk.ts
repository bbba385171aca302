/**
 * Lecture mode: the equations of the vector form in the lecture's order — forward node by node,
 * the loss and the objective, backward node by node from the output — each with the engine's
 * numbers for one instance (core/inspect/lecture/engineRecord.ts reads them).
 */
import type { Network } from '../../engine/network';
import { backwardSteps, kroneckerStep } from './backwardSteps';
import { recordEngine } from './engineRecord';
import { forwardSteps } from './forwardSteps';
import type { LectureWalk } from '../../api/lecture';
import { packSteps, type BuiltStep } from './builtStep';
import { objectiveSteps } from './objectiveSteps';
import { chainSymbols, isAffine } from './symbols';

/** The walk for one instance x (preprocessed, vec layout) with its label, on `network` (float64 reference backend, as built for inspection). */
export function lectureWalk(network: Network, x: Float64Array | Float32Array, label: number, graphName = ''): LectureWalk {
  if (network.backend.dtype !== 'float64') throw new Error(`lecture: needs a float64 backend, got ${network.backend.name}`);
  if (!Number.isInteger(label) || label < 0 || label >= network.classes) throw new Error(`lecture: label ${label} is not one of the ${network.classes} classes`);
  const spec = network.spec;
  const record = recordEngine(network, x, label);
  const symbols = chainSymbols(spec.layers);
  const steps: BuiltStep[] = [];
  record.nodes.forEach((node, k) => steps.push(...forwardSteps(k, node, symbols[k])));
  steps.push(...objectiveSteps(record, spec.loss, spec.C, symbols[symbols.length - 1].out));
  let explained = false;
  for (let k = record.nodes.length - 1; k >= 0; k--) {
    const layer = spec.layers[k];
    if (isAffine(layer) && !explained) {
      steps.push(kroneckerStep(k, layer, symbols[k]));
      explained = true;
    }
    steps.push(...backwardSteps(k, record.nodes[k], symbols[k]));
  }
  return {
    graphName,
    label,
    predicted: record.scores.indexOf(Math.max(...record.scores)),
    loss: spec.loss,
    C: spec.C,
    ...packSteps(steps),
  };
}
