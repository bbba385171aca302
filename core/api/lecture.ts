/**
 * Lecture mode through the contract: the equations of the vector form, in the lecture's order,
 * each with the engine's numbers for one instance (core/inspect/lecture builds them). Plain JSON.
 *
 * Every matrix is column-major (vec order) and has a key that is unique over the walk: a step that
 * uses a quantity an earlier step showed uses the same key, so "recomputed from what the earlier
 * steps displayed" is a lookup. The values are sent once per key (LectureWalk.values; index maps
 * in LectureWalk.maps): steps share their operands, and sent with every step the 3-layer template's
 * walk was 19 MB of JSON. Keys: `A<k>` is the input of node k of the chain (A0 the instance,
 * A<n> the scores z^{L+1}); `padZ@k`, `phi@k`, `W@k`, `b@k`, `S@k` belong to affine node k;
 * `d…` is dxi/d… of the same quantity; `fW@k`, `fb@k` are the gradients of f.
 */

export interface LectureMatrix {
  key: string;
  /** The symbol, TeX. */
  tex: string;
  rows: number;
  cols: number;
  /** For a d x (a b) activation: its channels and spatial size, so it can be drawn as images. */
  spatial?: { d: number; a: number; b: number };
}

/** A 0/1 operator as the index map the engine applies (LectureWalk.maps[key]): entry j of the result reads source[map[j]] (-1: a zero). */
export interface LectureIndexMap {
  key: string;
  tex: string;
  length: number;
  sourceLength: number;
  meaning: string;
}

export interface LectureScalar {
  key: string;
  tex: string;
  value: number;
}

/** What the entry (r, q) of an affine step's result is made of: row r of W, column q of phi(pad(Z)), and the pixels that column reads. */
export interface LectureFeeds {
  S: string;
  W: string;
  phi: string;
  /** The layer input Z^m (key) the columns read. */
  Z: string;
  /** Key in LectureWalk.maps of P_phi P_pad composed: entry k + K q of phi(pad(Z)) reads vec(Z^m)[map[k + K q]] (-1: padding); null for phi = I (a column reads all of z). */
  patchMap: string | null;
}

/** Which quantity "Check this step" perturbs: the input of chain node k (k = n: the scores), S of affine node k, or its W / b. */
export type GradientTarget = { wrt: 'input'; node: number } | { wrt: 'S' | 'W' | 'b'; node: number };

export type LecturePhase = 'forward' | 'objective' | 'backward';

export interface LectureStep {
  /** Stable over walks of the same graph, e.g. "forward:conv1:S". */
  id: string;
  phase: LecturePhase;
  /** The node explained (the canvas highlights it); null for the loss and the objective. */
  nodeId: string | null;
  /** The lecture's layer index m (affine layers counted from 1); null where it has none. */
  m: number | null;
  title: string;
  /** The equation, TeX (KaTeX's subset). */
  tex: string;
  /** One or two sentences on what the equation does here. */
  note: string;
  /** The operands and the result, in the order the equation names them. */
  matrices: LectureMatrix[];
  scalars: LectureScalar[];
  indexMaps: LectureIndexMap[];
  /** Key of the matrix (or scalar) this step computes; null for a step that only explains. */
  result: string | null;
  feeds?: LectureFeeds;
  /** Present on steps whose result is a gradient dxi/d(...): what central differences perturb. */
  gradient?: GradientTarget;
}

export interface LectureWalk {
  graphName: string;
  label: number;
  /** The class with the largest score. */
  predicted: number;
  loss: 'squared' | 'softmax_ce';
  C: number | null;
  steps: LectureStep[];
  /** Each matrix's rows * cols values, column-major, by key. */
  values: Record<string, number[]>;
  /** Each index map by key. */
  maps: Record<string, number[]>;
}

export interface LectureProbe {
  /** Entry of the gradient (column-major), or null for a random unit direction. */
  index: number | null;
  epsilon: number;
  analytic: number;
  numeric: number;
  relativeError: number;
  /** Present where xi has no derivative along this probe (a tie in a max-pool window, a ReLU at 0): the one-sided slopes; the shown value must lie between them. */
  kink?: { left: number; right: number };
}

export interface LectureStepCheck {
  stepId: string;
  /** The gradient's symbol, TeX. */
  tex: string;
  probes: LectureProbe[];
  /** The largest error over the probes, leaving out random directions that crossed a point without a derivative. */
  maxRelativeError: number;
  /** True when every entry was probed (small gradients); otherwise a seeded sample plus random directions. */
  exhaustive: boolean;
}

/** An image the user brought, as DataImage holds one: height x width x channels values 0..255, row-major, channels interleaved. */
export interface UploadedImage {
  width: number;
  height: number;
  channels: number;
  pixels: number[];
  label: number;
  /** The file's name, for the header. */
  name?: string;
}

/** The instance the lecture follows: one of the data source's training instances, or an uploaded image. */
export type LectureInstance = { kind: 'sample'; index: number } | ({ kind: 'image' } & UploadedImage);

export interface LectureWalkData extends LectureWalk {
  /** The instance, for the header ("training instance 3, label 9 (Ankle boot)"). */
  instance: string;
  /** Where the weights came from ("run 3, checkpoint at step 120" or "He initialisation, seed 1"). */
  weights: string;
}

export interface LectureCheckData extends LectureStepCheck {
  ms: number;
}
