/**
 * The forward half of the lecture, node by node (eq. (3) and the fully-connected form (8)):
 *
 *   vec(pad(Z^m)) = P_pad^m vec(Z^m),  phi(pad(Z^m)) = mat(P_phi^m vec(pad(Z^m))),
 *   S^m = W^m phi(pad(Z^m)) + b^m 1^T,  sigma(S^m),  Z^{m+1} = mat(P_pool^m vec(sigma(S^m))),
 *
 * and for a fully-connected layer the same with phi(pad(z^m)) = I z^m.
 */
import { convolutionIndexMaps } from '../../engine/convolution';
import { buildPoolWindowIndexMap } from '../../engine/indexMaps';
import type { LayerSpec } from '../../graph/compile';
import type { NodeRecord } from './engineRecord';
import { activation, gather, matrix, sigmaDefinition } from './lectureMatrices';
import type { BuiltIndexMap, BuiltStep } from './builtStep';
import { preActivationSymbol, type NodeSymbols } from './symbols';

type AffineSpec = LayerSpec & { kind: 'conv' | 'fc' };
type PoolSpec = LayerSpec & { kind: 'pool' };

/** P_pool as the engine applies it: the argmax it selected (max), or each output's window (average). */
export function poolIndexMap(spec: PoolSpec, node: NodeRecord, m: number): BuiltIndexMap {
  const { d, a, b } = spec.inShape;
  const source = d * a * b;
  if (node.argmax)
    return { key: `Ppool@${spec.nodeId}`, tex: `P_{\\mathrm{pool}}^{${m}}`, map: Array.from(node.argmax), sourceLength: source, meaning: 'for each entry of the output, the position in vec(input) whose value the max selected (the argmax)' };
  const q = spec.size * spec.size;
  return {
    key: `Ppool@${spec.nodeId}`,
    tex: `P_{\\mathrm{pool}}^{${m}}`,
    map: Array.from(buildPoolWindowIndexMap(d, a, b, spec.size, spec.stride)),
    sourceLength: source,
    meaning: `for each entry o of the output, its window's ${q} positions in vec(input) (entries o·${q} … o·${q}+${q - 1}); average pooling takes their mean`,
  };
}

function sigmaStep(k: number, spec: AffineSpec, node: NodeRecord, sym: NodeSymbols): BuiltStep {
  const S = preActivationSymbol(spec.kind, sym.m);
  const rhs = `\\sigma(${S})`;
  const lhs = sym.out === rhs ? '' : `${sym.out} = `;
  return {
    id: `forward:${spec.nodeId}:sigma`,
    phase: 'forward',
    nodeId: spec.nodeId,
    m: sym.m,
    title: `${spec.name}: activation σ(${spec.kind === 'conv' ? 'S' : 's'}^${sym.m})`,
    tex: `${lhs}${rhs}, \\qquad ${sigmaDefinition(spec.activation, spec.leak)}`,
    note: `σ = ${spec.activation} acts on every entry. The engine writes σ(S) over S in place: every σ' it needs later is computable from σ(S).`,
    matrices: [activation(`S@${k}`, S, spec.outShape, node.affine!.S), activation(`A${k + 1}`, sym.out, spec.outShape, node.output)],
    scalars: [],
    indexMaps: [],
    result: `A${k + 1}`,
  };
}

function convSteps(k: number, spec: AffineSpec & { kind: 'conv' }, node: NodeRecord, sym: NodeSymbols): BuiltStep[] {
  const m = sym.m;
  const maps = convolutionIndexMaps(spec);
  const { d, a, b } = spec.inShape;
  const h = spec.size;
  const K = h * h * d;
  const P = maps.aConv * maps.bConv;
  const dNext = spec.outShape.d;
  const affine = node.affine!;
  const padZ = gather(node.input, maps.padIndexMap);
  const Z = activation(`A${k}`, sym.in, spec.inShape, node.input);
  const padShape = { d, a: maps.aPad, b: maps.bPad };
  const padM = activation(`padZ@${k}`, `\\mathrm{pad}(${sym.in})`, padShape, padZ);
  const phiTex = `\\phi(\\mathrm{pad}(${sym.in}))`;
  const phi = matrix(`phi@${k}`, phiTex, K, P, affine.phi);
  const W = matrix(`W@${k}`, `W^{${m}}`, dNext, K, affine.W);
  const bias = matrix(`b@${k}`, `\\mathbf{b}^{${m}}`, dNext, 1, affine.b);
  const S = activation(`S@${k}`, `S^{${m}}`, spec.outShape, affine.S);
  const base = { phase: 'forward' as const, nodeId: spec.nodeId, m, scalars: [] };
  return [
    {
      ...base,
      id: `forward:${spec.nodeId}:pad`,
      title: `${spec.name}: zero padding pad(Z^${m})`,
      tex: `\\mathrm{vec}(\\mathrm{pad}(${sym.in})) = P_{\\mathrm{pad}}^{${m}}\\,\\mathrm{vec}(${sym.in})`,
      note: `p = ${spec.padding}: ${a} × ${b} becomes a_pad × b_pad = ${maps.aPad} × ${maps.bPad}. P_pad is a 0/1 matrix in the math; the engine never forms it — it is an index map (−1 where a zero is padded).`,
      matrices: [Z, padM],
      indexMaps: [{ key: `Ppad@${k}`, tex: `P_{\\mathrm{pad}}^{${m}}`, map: Array.from(maps.padIndexMap), sourceLength: d * a * b, meaning: 'for each entry of vec(pad(Z)), its position in vec(Z), or −1 for a padded zero' }],
      result: padM.key,
    },
    {
      ...base,
      id: `forward:${spec.nodeId}:phi`,
      title: `${spec.name}: patches φ(pad(Z^${m}))`,
      tex: `${phiTex} = \\mathrm{mat}\\big(P_{\\phi}^{${m}}\\,\\mathrm{vec}(\\mathrm{pad}(${sym.in}))\\big)_{h h d^{${m}} \\times a_{\\mathrm{conv}}^{${m}} b_{\\mathrm{conv}}^{${m}}}`,
      note: `Column (p, q) holds the ${h} × ${h} × ${d} window at (s·p, s·q) with stride s = ${spec.stride}: a_conv × b_conv = ${maps.aConv} × ${maps.bConv} columns of h h d = ${K} rows ("im2col"). The engine gathers with P_φ P_pad composed, in one pass.`,
      matrices: [padM, phi],
      indexMaps: [{ key: `Pphi@${k}`, tex: `P_{\\phi}^{${m}}`, map: Array.from(maps.patchIndexMap), sourceLength: d * maps.aPad * maps.bPad, meaning: 'for each entry of vec(φ(pad(Z))), its position in vec(pad(Z))' }],
      result: phi.key,
    },
    {
      ...base,
      id: `forward:${spec.nodeId}:S`,
      title: `${spec.name}: S^${m} = W^${m} φ(pad(Z^${m})) + b^${m} 1ᵀ`,
      tex: `S^{${m}} = W^{${m}}\\,${phiTex} + \\mathbf{b}^{${m}} \\mathbf{1}^T_{a_{\\mathrm{conv}}^{${m}} b_{\\mathrm{conv}}^{${m}}}`,
      note: `One matrix product for the whole convolution: ${dNext} × ${K} times ${K} × ${P}. Entry (r, q) of S is filter r (row r of W) against patch q (column q of φ(pad(Z))), plus b_r.`,
      matrices: [W, phi, bias, S],
      indexMaps: [],
      result: S.key,
      feeds: { S: S.key, W: W.key, phi: phi.key, Z: Z.key, patchMap: Array.from(maps.paddedPatchIndexMap) },
    },
    sigmaStep(k, spec, node, sym),
  ];
}

function fcSteps(k: number, spec: AffineSpec & { kind: 'fc' }, node: NodeRecord, sym: NodeSymbols): BuiltStep[] {
  const m = sym.m;
  const n = node.input.length;
  const units = spec.outShape.d;
  const affine = node.affine!;
  const z = matrix(`A${k}`, sym.in, n, 1, node.input);
  const phi = matrix(`phi@${k}`, `\\phi(\\mathrm{pad}(${sym.in}))`, n, 1, affine.phi);
  const W = matrix(`W@${k}`, `W^{${m}}`, units, n, affine.W);
  const bias = matrix(`b@${k}`, `\\mathbf{b}^{${m}}`, units, 1, affine.b);
  const s = matrix(`S@${k}`, `\\mathbf{s}^{${m}}`, units, 1, affine.S);
  const fromConv = spec.inShape.a * spec.inShape.b > 1;
  const base = { phase: 'forward' as const, nodeId: spec.nodeId, m, scalars: [], indexMaps: [] };
  return [
    {
      ...base,
      id: `forward:${spec.nodeId}:phi`,
      title: `${spec.name}: φ(pad(z^${m})) = I z^${m}`,
      tex: `\\phi(\\mathrm{pad}(${sym.in})) = \\mathcal{I}_{${n}}\\,${sym.in}`,
      note: `A fully-connected layer is the convolution formula with a 1 × 1 "image": no padding, one patch, the whole input.${fromConv ? ` ${sym.in} = vec(Z^${m}) of the ${spec.inShape.d} × ${spec.inShape.a} × ${spec.inShape.b} input, channel fastest, then height, then width.` : ''}`,
      matrices: [z, phi],
      result: phi.key,
    },
    {
      ...base,
      id: `forward:${spec.nodeId}:S`,
      title: `${spec.name}: s^${m} = W^${m} z^${m} + b^${m}`,
      tex: `\\mathbf{s}^{${m}} = W^{${m}}\\,\\phi(\\mathrm{pad}(${sym.in})) + \\mathbf{b}^{${m}} = W^{${m}}\\,${sym.in} + \\mathbf{b}^{${m}}`,
      note: `${units} × ${n} times ${n} × 1: the same formula as S^m = W^m φ(pad(Z^m)) + b^m 1ᵀ with a single column.`,
      matrices: [W, phi, bias, s],
      result: s.key,
      feeds: { S: s.key, W: W.key, phi: phi.key, Z: z.key, patchMap: null },
    },
    sigmaStep(k, spec, node, sym),
  ];
}

function poolStep(k: number, spec: PoolSpec, node: NodeRecord, sym: NodeSymbols): BuiltStep {
  const m = sym.m;
  const rhs = `\\mathrm{mat}\\big(P_{\\mathrm{pool}}^{${m}}\\,\\mathrm{vec}(${sym.in})\\big)`;
  return {
    id: `forward:${spec.nodeId}:pool`,
    phase: 'forward',
    nodeId: spec.nodeId,
    m,
    title: `${spec.name}: ${spec.mode} pooling with P_pool`,
    tex: sym.out.startsWith('\\mathrm{mat}') ? rhs : `${sym.out} = ${rhs}`,
    note:
      spec.mode === 'max'
        ? `Each ${spec.size} × ${spec.size} window (stride ${spec.stride}) keeps its largest entry: P_pool selects one entry per window, and the engine stores that selection (the argmax) for the backward pass.`
        : `Each ${spec.size} × ${spec.size} window (stride ${spec.stride}) becomes its mean: P_pool holds 1/${spec.size * spec.size} at each window position.`,
    matrices: [activation(`A${k}`, sym.in, spec.inShape, node.input), activation(`A${k + 1}`, sym.out, spec.outShape, node.output)],
    scalars: [],
    indexMaps: [poolIndexMap(spec, node, m)],
    result: `A${k + 1}`,
  };
}

function activationStep(k: number, spec: LayerSpec & { kind: 'activation' }, node: NodeRecord, sym: NodeSymbols): BuiltStep {
  const rhs = `\\sigma(${sym.in})`;
  return {
    id: `forward:${spec.nodeId}:sigma`,
    phase: 'forward',
    nodeId: spec.nodeId,
    m: sym.m,
    title: `${spec.name}: activation ${spec.activation}`,
    tex: `${sym.out === rhs ? '' : `${sym.out} = `}${rhs}, \\qquad ${sigmaDefinition(spec.activation, spec.leak)}`,
    note: 'An activation node of its own: σ on every entry, no parameters.',
    matrices: [activation(`A${k}`, sym.in, spec.inShape, node.input), activation(`A${k + 1}`, sym.out, spec.outShape, node.output)],
    scalars: [],
    indexMaps: [],
    result: `A${k + 1}`,
  };
}

export function forwardSteps(k: number, node: NodeRecord, sym: NodeSymbols): BuiltStep[] {
  const spec = node.spec;
  switch (spec.kind) {
    case 'conv':
      return convSteps(k, spec, node, sym);
    case 'fc':
      return fcSteps(k, spec, node, sym);
    case 'pool':
      return [poolStep(k, spec, node, sym)];
    case 'activation':
      return [activationStep(k, spec, node, sym)];
  }
}
