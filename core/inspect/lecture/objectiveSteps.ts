/**
 * The loss xi(z^{L+1}; y) of the instance, the objective
 *
 *   f(theta) = 1/(2C) theta^T theta + (1/l) sum_{i=1}^{l} xi_i      (l = 1: the instance shown)
 *
 * with both terms, and dxi/dz^{L+1}, where the backward pass starts.
 */
import type { LossKind } from '../../graph/format';
import type { EngineRecord } from './engineRecord';
import { grad, matrix } from './lectureMatrices';
import type { BuiltStep } from './builtStep';

export function oneHot(label: number, classes: number): Float64Array {
  const y = new Float64Array(classes);
  y[label] = 1;
  return y;
}

export function objectiveSteps(record: EngineRecord, loss: LossKind, C: number | null, out: string): BuiltStep[] {
  const n = record.nodes.length;
  const classes = record.scores.length;
  const z = matrix(`A${n}`, out, classes, 1, record.scores);
  const y = matrix('y', '\\mathbf{y}', classes, 1, oneHot(record.label, classes));
  const lossTex =
    loss === 'squared'
      ? `\\xi(${out}; \\mathbf{y}) = \\lVert ${out} - \\mathbf{y} \\rVert^2`
      : `\\xi(${out}; \\mathbf{y}) = -\\log \\frac{e^{z_y}}{\\sum_j e^{z_j}} = \\log \\sum_j e^{z_j} - z_y`;
  const reg = C === null ? null : `\\frac{1}{2C}\\theta^T\\theta`;
  const common = { nodeId: null, m: null, indexMaps: [] };
  return [
    {
      ...common,
      id: 'objective:loss',
      phase: 'objective',
      title: `Loss ξ (${loss === 'squared' ? 'squared' : 'softmax cross-entropy'})`,
      tex: lossTex,
      note: `y is the one-hot label (class ${record.label}); the largest score is class ${record.scores.indexOf(Math.max(...record.scores))}. ${loss === 'squared' ? "Squared loss is simpleNN's default." : 'Softmax cross-entropy: the softmax is part of the loss, not a layer.'}`,
      matrices: [z, y],
      scalars: [{ key: 'xi', tex: '\\xi', value: record.xi }],
      result: 'xi',
    },
    {
      ...common,
      id: 'objective:f',
      phase: 'objective',
      title: 'Objective f',
      tex: reg ? `f(\\theta) = ${reg} + \\frac{1}{l}\\sum_{i=1}^{l} \\xi_i` : `f(\\theta) = \\frac{1}{l}\\sum_{i=1}^{l} \\xi_i`,
      note:
        (reg
          ? `θ holds every W^m and b^m (biases included). C = ${C} as given (not scaled by l, unlike simpleNN's internal convention).`
          : 'No regulariser (C is not set): f is the mean loss alone.') + ' Here l = 1: the one instance shown.',
      matrices: [],
      scalars: [
        ...(C === null ? [] : [{ key: 'C', tex: 'C', value: C }]),
        { key: 'thetaTheta', tex: '\\theta^T\\theta', value: record.thetaTheta },
        { key: 'reg', tex: reg ?? '0', value: record.regularization },
        { key: 'meanLoss', tex: '\\frac{1}{l}\\sum_i \\xi_i', value: record.meanLoss },
        { key: 'f', tex: 'f', value: record.f },
      ],
      result: 'f',
    },
    {
      ...common,
      id: 'backward:loss',
      phase: 'backward',
      title: "Start of the backward pass: ∂ξ/∂z^(L+1)",
      tex: loss === 'squared' ? `${grad(out)} = 2(${out} - \\mathbf{y})` : `${grad(out)} = \\mathrm{softmax}(${out}) - \\mathbf{y}`,
      note: 'v = ∂ξ/∂z^{L+1}: every gradient below is this vector carried back through the layers by matrix products.',
      matrices: [z, y, matrix(`dA${n}`, grad(out), classes, 1, record.nodes[n - 1].dOutput)],
      scalars: [],
      result: `dA${n}`,
      gradient: { wrt: 'input', node: n },
    },
  ];
}
