/**
 * The backward half of the lecture, node by node from the output down:
 *
 *   dxi/dS^m = dxi/dZ^{m+1} .* sigma'(S^m)       (through P_pool^T first, when a pooling follows)
 *   dW^m = dxi/dS^m phi(pad(Z^m))^T,  db^m = dxi/dS^m 1,
 *   dxi/dvec(Z^m) = P_pad^T P_phi^T vec((W^m)^T dxi/dS^m),
 *
 * with the gradient of f, (1/C) W^m + (1/l) sum_i dxi_i/dW^m (eq. (1)-(2)), beside dW^m. One step
 * says why these stay matrix products: the vec(AB) identities (6)-(7).
 */
import { convolutionIndexMaps } from '../../engine/convolution';
import type { LayerSpec } from '../../graph/compile';
import type { NodeRecord } from './engineRecord';
import { poolIndexMap } from './forwardSteps';
import { activation, grad, matrix, scatterAdd, sigmaPrimeDefinition } from './lectureMatrices';
import type { BuiltStep } from './builtStep';
import { preActivationSymbol, type NodeSymbols } from './symbols';

type AffineSpec = LayerSpec & { kind: 'conv' | 'fc' };

/** dxi/d(input of node k) as a matrix shaped like that input. */
function inputGradient(k: number, spec: LayerSpec, sym: NodeSymbols, values: Float64Array) {
  return spec.kind === 'fc' ? matrix(`dA${k}`, grad(sym.in), values.length, 1, values) : activation(`dA${k}`, grad(sym.in), spec.inShape, values);
}

function outputGradient(k: number, spec: LayerSpec, sym: NodeSymbols, values: Float64Array) {
  return activation(`dA${k + 1}`, grad(sym.out), spec.outShape, values);
}

/** Why dW is a matrix product: vec(S) written with Kronecker products, which are never formed. */
export function kroneckerStep(k: number, spec: AffineSpec, sym: NodeSymbols): BuiltStep {
  const m = sym.m;
  const S = preActivationSymbol(spec.kind, m);
  const phi = `\\phi(\\mathrm{pad}(${sym.in}))`;
  const dNext = spec.outShape.d;
  const P = spec.outShape.a * spec.outShape.b;
  const K = spec.kind === 'conv' ? spec.size * spec.size * spec.inShape.d : spec.inShape.d * spec.inShape.a * spec.inShape.b;
  return {
    id: `backward:${spec.nodeId}:kronecker`,
    phase: 'backward',
    nodeId: spec.nodeId,
    m,
    title: 'Why every gradient stays a matrix product',
    tex: [
      '\\begin{aligned}',
      `\\mathrm{vec}(${S}) &= (\\mathcal{I} \\otimes W^{${m}})\\,\\mathrm{vec}(${phi}) + (\\mathbf{1} \\otimes \\mathcal{I}_{d^{${m + 1}}})\\,\\mathbf{b}^{${m}} && \\text{by } \\mathrm{vec}(AB) = (\\mathcal{I} \\otimes A)\\,\\mathrm{vec}(B) \\\\`,
      `&= (${phi}^T \\otimes \\mathcal{I}_{d^{${m + 1}}})\\,\\mathrm{vec}(W^{${m}}) + (\\mathbf{1} \\otimes \\mathcal{I}_{d^{${m + 1}}})\\,\\mathbf{b}^{${m}} && \\text{by } \\mathrm{vec}(AB) = (B^T \\otimes \\mathcal{I})\\,\\mathrm{vec}(A) \\\\`,
      `\\Rightarrow\\ \\frac{\\partial \\xi}{\\partial \\mathrm{vec}(W^{${m}})^T} &= \\frac{\\partial \\xi}{\\partial \\mathrm{vec}(${S})^T}(${phi}^T \\otimes \\mathcal{I}) = \\mathrm{vec}\\Big(${grad(S)}\\,${phi}^T\\Big)^T \\\\`,
      `\\frac{\\partial \\xi}{\\partial \\mathrm{vec}(${phi})^T} &= \\frac{\\partial \\xi}{\\partial \\mathrm{vec}(${S})^T}(\\mathcal{I} \\otimes W^{${m}}) = \\mathrm{vec}\\Big((W^{${m}})^T ${grad(S)}\\Big)^T`,
      '\\end{aligned}',
    ].join(' '),
    note: `The Kronecker products only prove the identities: (φ(pad(Z))ᵀ ⊗ I) would be ${dNext * P} × ${dNext * K} here, yet dW is one ${dNext} × ${P} by ${P} × ${K} product. The engine never forms any of them.`,
    matrices: [],
    scalars: [],
    indexMaps: [],
    result: null,
  };
}

function affineSteps(k: number, spec: AffineSpec, node: NodeRecord, sym: NodeSymbols): BuiltStep[] {
  const m = sym.m;
  const a = node.affine!;
  const S = preActivationSymbol(spec.kind, m);
  const conv = spec.kind === 'conv';
  const phiTex = `\\phi(\\mathrm{pad}(${sym.in}))`;
  const K = a.W.length / spec.outShape.d;
  const P = spec.outShape.a * spec.outShape.b;
  const dNext = spec.outShape.d;
  const dOut = outputGradient(k, spec, sym, node.dOutput);
  const dS = activation(`dS@${k}`, grad(S), spec.outShape, a.dS);
  const phi = matrix(`phi@${k}`, phiTex, K, P, a.phi);
  const W = matrix(`W@${k}`, `W^{${m}}`, dNext, K, a.W);
  const bias = matrix(`b@${k}`, `\\mathbf{b}^{${m}}`, dNext, 1, a.b);
  const base = { phase: 'backward' as const, nodeId: spec.nodeId, m, scalars: [], indexMaps: [] };
  const fOf = (x: string) => `\\frac{\\partial f}{\\partial ${x}} = \\frac{1}{C} ${x} + \\frac{1}{l}\\sum_{i=1}^{l} \\frac{\\partial \\xi_i}{\\partial ${x}}`;
  const steps: BuiltStep[] = [
    {
      ...base,
      id: `backward:${spec.nodeId}:dS`,
      title: `${spec.name}: ∂ξ/∂${conv ? 'S' : 's'}^${m}`,
      tex: `${grad(S)} = ${grad(sym.out)} \\odot \\sigma'(${S}), \\qquad ${sigmaPrimeDefinition(spec.activation, spec.leak)}`,
      note: `Element-wise: the gradient arriving at the layer's output times σ' (${spec.activation}). This is v = ∂ξ/∂S^${m}, ${dNext} × ${P}.`,
      matrices: [dOut, activation(`sigmaPrime@${k}`, `\\sigma'(${S})`, spec.outShape, a.sigmaPrime), dS],
      result: dS.key,
      gradient: { wrt: 'S', node: k },
    },
    {
      ...base,
      id: `backward:${spec.nodeId}:dW`,
      title: `${spec.name}: ∂ξ/∂W^${m}`,
      tex: `${grad(`W^{${m}}`)} = ${grad(S)}\\,${phiTex}^T, \\qquad ${fOf(`W^{${m}}`)}`,
      note: `One matrix product, ${dNext} × ${P} by ${P} × ${K} (eq. (1) for the second formula; l = 1 here${spec.kind === 'fc' ? '; φ(pad(z)) = z' : ''}).`,
      matrices: [dS, phi, matrix(`dW@${k}`, grad(`W^{${m}}`), dNext, K, a.dW), W, matrix(`fW@${k}`, `\\frac{\\partial f}{\\partial W^{${m}}}`, dNext, K, a.fW)],
      result: `dW@${k}`,
      gradient: { wrt: 'W', node: k },
    },
    {
      ...base,
      id: `backward:${spec.nodeId}:db`,
      title: `${spec.name}: ∂ξ/∂b^${m}`,
      tex: `${grad(`\\mathbf{b}^{${m}}`)} = ${grad(S)}\\,\\mathbf{1}_{${P}}, \\qquad ${fOf(`\\mathbf{b}^{${m}}`)}`,
      note: `The row sums of ∂ξ/∂S^${m} (eq. (2) for the second formula).`,
      matrices: [dS, matrix(`db@${k}`, grad(`\\mathbf{b}^{${m}}`), dNext, 1, a.db), bias, matrix(`fb@${k}`, `\\frac{\\partial f}{\\partial \\mathbf{b}^{${m}}}`, dNext, 1, a.fb)],
      result: `db@${k}`,
      gradient: { wrt: 'b', node: k },
    },
  ];
  if (!node.dInput) return steps;
  const dIn = inputGradient(k, spec, sym, node.dInput);
  const WtdS = matrix(`WtdS@${k}`, `(W^{${m}})^T ${grad(S)}`, K, P, a.WtdS);
  if (!conv) {
    steps.push({
      ...base,
      id: `backward:${spec.nodeId}:dZ`,
      title: `${spec.name}: ∂ξ/∂z^${m} (to the layer below)`,
      tex: `${grad(sym.in)} = (W^{${m}})^T ${grad(S)}`,
      note: 'φ = I, so P_φ and P_pad are identities and nothing is scattered.',
      matrices: [W, dS, dIn],
      result: dIn.key,
      gradient: { wrt: 'input', node: k },
    });
    return steps;
  }
  const maps = convolutionIndexMaps(spec as AffineSpec & { kind: 'conv' });
  const { d } = spec.inShape;
  const padShape = { d, a: maps.aPad, b: maps.bPad };
  const dPad = scatterAdd(a.WtdS, maps.patchIndexMap, d * maps.aPad * maps.bPad);
  steps.push({
    ...base,
    id: `backward:${spec.nodeId}:dZ`,
    title: `${spec.name}: ∂ξ/∂vec(Z^${m}) (to the layer below)`,
    tex: `${grad(`\\mathrm{vec}(${sym.in})`)} = (P_{\\mathrm{pad}}^{${m}})^T (P_{\\phi}^{${m}})^T\\,\\mathrm{vec}\\Big((W^{${m}})^T ${grad(S)}\\Big)`,
    note: `(W^${m})ᵀ ∂ξ/∂S^${m} is one ${K} × ${dNext} by ${dNext} × ${P} product; P_φᵀ adds overlapping patches back (a scatter-add), P_padᵀ drops the padded border. ∂ξ/∂pad(Z) is formed here only to show it: the engine scatters with the composed map in one pass.`,
    matrices: [W, dS, WtdS, activation(`dpadZ@${k}`, grad(`\\mathrm{pad}(${sym.in})`), padShape, dPad), dIn],
    indexMaps: [
      { key: `Pphi@${k}`, tex: `P_{\\phi}^{${m}}`, map: Array.from(maps.patchIndexMap), sourceLength: padShape.d * padShape.a * padShape.b, meaning: 'its transpose adds entry j of vec(Wᵀ ∂ξ/∂S) into position map[j] of vec(∂ξ/∂pad(Z))' },
      { key: `Ppad@${k}`, tex: `P_{\\mathrm{pad}}^{${m}}`, map: Array.from(maps.padIndexMap), sourceLength: node.input.length, meaning: 'its transpose keeps the entries with map[j] ≥ 0 (the interior)' },
    ],
    result: dIn.key,
    gradient: { wrt: 'input', node: k },
  });
  return steps;
}

export function backwardSteps(k: number, node: NodeRecord, sym: NodeSymbols): BuiltStep[] {
  const spec = node.spec;
  if (spec.kind === 'conv' || spec.kind === 'fc') return affineSteps(k, spec, node, sym);
  if (!node.dInput) return [];
  const dOut = outputGradient(k, spec, sym, node.dOutput);
  const dIn = inputGradient(k, spec, sym, node.dInput);
  const base = { phase: 'backward' as const, nodeId: spec.nodeId, m: sym.m, scalars: [], result: dIn.key, gradient: { wrt: 'input' as const, node: k } };
  if (spec.kind === 'pool')
    return [
      {
        ...base,
        id: `backward:${spec.nodeId}:pool`,
        title: `${spec.name}: back through pooling, P_poolᵀ`,
        tex: `\\mathrm{vec}\\Big(${grad(sym.in)}\\Big) = (P_{\\mathrm{pool}}^{${sym.m}})^T\\,\\mathrm{vec}\\Big(${grad(sym.out)}\\Big)`,
        note:
          spec.mode === 'max'
            ? 'Each entry goes back to the position its window selected (the stored argmax); every other position gets 0.'
            : `Each entry is spread over its window, 1/${spec.size * spec.size} to each position (overlapping windows add).`,
        matrices: [dOut, dIn],
        indexMaps: [poolIndexMap(spec, node, sym.m)],
      },
    ];
  return [
    {
      ...base,
      id: `backward:${spec.nodeId}:sigma`,
      title: `${spec.name}: back through σ (${spec.activation})`,
      tex: `${grad(sym.in)} = ${grad(sym.out)} \\odot \\sigma'(${sym.in}), \\qquad ${sigmaPrimeDefinition(spec.activation, spec.leak)}`,
      note: 'Element-wise, as for the σ inside a layer.',
      matrices: [dOut, activation(`sigmaPrime@${k}`, `\\sigma'(${sym.in})`, spec.inShape, node.sigmaPrime!), dIn],
      indexMaps: [],
    },
  ];
}
