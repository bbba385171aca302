/**
 * node --import tsx bench/fusion-bench.ts [--reps N] [--pairs N] [--steps N] [--batch N] [--threads N] [--json]
 *
 * Before/after of each of wasm-simd's speed levers (WasmSimdBackend.levers), in one process on one
 * network: rounds of training steps (the 3-layer template, forward + backward + SGD step) alternate
 * between the lever on and off (before, after, after, before, ...), so both sides
 * of a ratio saw the same minutes of a shared machine. Prints, per lever, the speed-up of every
 * pair (time without / time with), their median and range, the ratio of the fastest rounds (the
 * least disturbed on a shared machine), the same ratio of the process's CPU time (all threads; the
 * pool's threads sleep while they wait, so this is the work done, which another process's share of
 * the cores does not inflate as much as wall time), and the load average before and after.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { WasmSimdBackend } from '../core/compute/wasm/wasmBackend';
import { Network } from '../core/engine/network';
import { compileGraph } from '../core/graph/compile';
import { parseGraphText } from '../core/graph/parse';
import { convolutionIndexMaps } from '../core/engine/convolution';
import { weightShape } from '../core/engine/weightShape';
import { shapeSize } from '../core/graph/shape';
import { IMAGE_SIZE, loadBenchData, prepareBenchData } from './benchData';
import { median } from './stepTimer';

const argv = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 && at + 1 < argv.length ? argv[at + 1] : fallback;
};
const PAIRS = Number(option('pairs', '6'));
const STEPS = Number(option('steps', '4'));
const BATCH = Number(option('batch', '128'));
const LR = 0.001;

type Levers = WasmSimdBackend['levers'];
const LEVERS: { name: string; set: (levers: Levers, on: boolean) => void }[] = [
  { name: 'bias + activation in the forward GEMM write-back', set: (l, on) => (l.biasActivate = on) },
  { name: 'P_pad^T P_phi^T as a gather over the inverse map', set: (l, on) => (l.scatterAsGather = on) },
  { name: 'P_phi P_pad four channels per f32x4', set: (l, on) => (l.gatherLanes = on) },
  { name: 'B read in place, not packed, in one-row-block GEMMs', set: (l, on) => (l.unpackedB = on) },
  { name: 'all of them', set: (l, on) => ((l.biasActivate = on), (l.scatterAsGather = on), (l.gatherLanes = on), (l.unpackedB = on)) },
];

const template = readFileSync(new URL('../resources/templates/simplenn-3layer.json', import.meta.url), 'utf8');
const compiled = compileGraph(parseGraphText(template));
if (!compiled.ok) throw new Error('the 3-layer template does not compile');
const data = loadBenchData(prepareBenchData(BATCH * 8));
const threads = Number(option('threads', '0')) || undefined;
const backend = await WasmSimdBackend.create(threads);
const network = new Network(compiled.network!, backend, { batchCapacity: BATCH });
network.initialize(1);
const batches = Math.floor(data.count / BATCH);
let t = 0;
const step = () => {
  const b = t++ % batches;
  network.objectiveAndGradient(data.x.subarray(b * BATCH * IMAGE_SIZE, (b + 1) * BATCH * IMAGE_SIZE), data.labels.subarray(b * BATCH, (b + 1) * BATCH), BATCH);
  for (const p of network.parameters) backend.axpby(-LR, p.grad, 1, p.value, p.length);
};
/** CPU time of every thread of this process (the pool's threads sleep while they wait). */
const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
/** Wall and CPU ms per step over one round. */
const round = () => {
  const [start, cpuStart] = [performance.now(), process.cpuUsage()];
  for (let s = 0; s < STEPS; s++) step();
  return { wall: (performance.now() - start) / STEPS, cpu: cpuMs(process.cpuUsage(cpuStart)) / STEPS };
};

/**
 * Each lever's operation alone on the template's conv layers (their shapes and P_phi P_pad maps,
 * batch BATCH), reps alternating with and without it: the median and the fastest of each side, and CPU time.
 */
function operationLevel(reps: number) {
  const rows: { op: string; shape: string; msWithout: number; msWith: number; bestWithout: number; bestWith: number; medianRatio: number; bestRatio: number; cpuWithout: number; cpuWith: number; cpuRatio: number }[] = [];
  const fill = (n: number, seed: number) => {
    const v = new Float32Array(n);
    for (let j = 0; j < n; j++) v[j] = (((j * 7919 + seed) % 1000) / 1000 - 0.5) * 0.1;
    const t = backend.allocate(n);
    backend.write(t, v);
    return t;
  };
  for (const spec of compiled.network!.layers) {
    if (spec.kind !== 'conv') continue;
    const { rows: dOut, cols: K } = weightShape(spec);
    const P = spec.outShape.a * spec.outShape.b;
    const n = P * BATCH;
    const W = fill(dOut * K, 1);
    const phi = fill(K * n, 2);
    const b = fill(dOut, 3);
    const A = backend.allocate(dOut * n);
    const map = backend.uploadIndexMap(convolutionIndexMaps(spec).paddedPatchIndexMap, shapeSize(spec.inShape));
    const dZ = backend.allocate(shapeSize(spec.inShape) * BATCH);
    const ops = [
      { op: 'W phi + b, sigma', shape: `${dOut}x${n}x${K}`, run: () => backend.gemmBiasActivate(dOut, n, K, W, phi, b, A, spec.activation, spec.leak), set: (on: boolean) => (backend.levers.biasActivate = on) },
      { op: 'S = W phi, B in place', shape: `${dOut}x${n}x${K}`, run: () => backend.gemm(false, false, dOut, n, K, W, phi, A, false), set: (on: boolean) => (backend.levers.unpackedB = on) },
      { op: 'dW = dS phi^T, B in place', shape: `${dOut}x${K}x${n}`, run: () => backend.gemm(false, true, dOut, K, n, A, phi, W, false), set: (on: boolean) => (backend.levers.unpackedB = on) },
      { op: 'P_phi P_pad Z (gather)', shape: `${shapeSize(spec.inShape)}->${K * P}`, run: () => backend.gather(dZ, map, phi, BATCH), set: (on: boolean) => (backend.levers.gatherLanes = on) },
      { op: 'P^T dPhi (scatter-add)', shape: `${K * P}->${shapeSize(spec.inShape)}`, run: () => backend.scatterAdd(phi, map, dZ, BATCH, false), set: (on: boolean) => (backend.levers.scatterAsGather = on) },
      { op: 'P^T dPhi, lanes', shape: `${K * P}->${shapeSize(spec.inShape)}`, run: () => backend.scatterAdd(phi, map, dZ, BATCH, false), set: (on: boolean) => (backend.levers.gatherLanes = on) },
    ];
    for (const o of ops) {
      const ms: Record<string, number[]> = { true: [], false: [] };
      const cpu: Record<string, number[]> = { true: [], false: [] };
      for (let r = 0; r < reps; r++)
        for (const on of r % 2 === 0 ? [false, true] : [true, false]) {
          o.set(on);
          const [start, cpuStart] = [performance.now(), process.cpuUsage()];
          o.run();
          ms[String(on)].push(performance.now() - start);
          cpu[String(on)].push(cpuMs(process.cpuUsage(cpuStart)));
        }
      o.set(true);
      const [msWithout, msWith] = [median(ms.false), median(ms.true)];
      const [bestWithout, bestWith] = [Math.min(...ms.false), Math.min(...ms.true)];
      const [cpuWithout, cpuWith] = [median(cpu.false), median(cpu.true)];
      rows.push({ op: `${spec.name} ${o.op}`, shape: o.shape, msWithout, msWith, bestWithout, bestWith, medianRatio: msWithout / msWith, bestRatio: bestWithout / bestWith, cpuWithout, cpuWith, cpuRatio: cpuWithout / cpuWith });
    }
  }
  return rows;
}

const loadBefore = loadavg();
const startedAt = new Date().toISOString();
for (let w = 0; w < 3; w++) step();
const operations = operationLevel(Number(option('reps', '30')));
const results = LEVERS.map((lever) => {
  const speedups: number[] = [];
  const cpuSpeedups: number[] = [];
  const msOn: number[] = [];
  const msOff: number[] = [];
  for (let pair = 0; pair < PAIRS; pair++) {
    // before-after, then after-before: a drift in the machine's speed cancels over two pairs.
    const order = pair % 2 === 0 ? [false, true] : [true, false];
    const ms: Record<string, { wall: number; cpu: number }> = {};
    for (const on of order) {
      lever.set(backend.levers, on);
      step();
      ms[String(on)] = round();
    }
    msOn.push(ms.true.wall);
    msOff.push(ms.false.wall);
    speedups.push(ms.false.wall / ms.true.wall);
    cpuSpeedups.push(ms.false.cpu / ms.true.cpu);
  }
  lever.set(backend.levers, true);
  // The fastest round of each side: the least disturbed by other processes on a shared machine.
  const best = Math.min(...msOff) / Math.min(...msOn);
  return { lever: lever.name, speedups, median: median(speedups), min: Math.min(...speedups), max: Math.max(...speedups), best, msWithout: median(msOff), msWith: median(msOn), cpuSpeedups, cpuMedian: median(cpuSpeedups), cpuMin: Math.min(...cpuSpeedups), cpuMax: Math.max(...cpuSpeedups) };
});
const loadAfter = loadavg();
backend.dispose();

const document = { startedAt, description: backend.description, batch: BATCH, pairs: PAIRS, stepsPerRound: STEPS, loadBefore, loadAfter, operations, results };
if (argv.includes('--json')) console.log(JSON.stringify(document, null, 2));
else {
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  console.log(`lever-bench ${startedAt}: 3-layer template, batch ${BATCH}, ${backend.description}; ${PAIRS} pairs of ${STEPS}-step rounds per lever`);
  console.log(`load average before ${load(loadBefore)}, after ${load(loadAfter)}`);
  console.log('each operation alone (ms without -> with the lever; median of the reps, then the fastest rep):');
  for (const o of operations)
    console.log(`  ${o.op.padEnd(26)} ${o.shape.padEnd(14)} wall median ${o.msWithout.toFixed(2).padStart(6)} -> ${o.msWith.toFixed(2).padStart(6)} (${o.medianRatio.toFixed(3)}x), fastest ${o.bestWithout.toFixed(2).padStart(6)} -> ${o.bestWith.toFixed(2).padStart(6)} (${o.bestRatio.toFixed(3)}x); CPU median ${o.cpuWithout.toFixed(2)} -> ${o.cpuWith.toFixed(2)} (${o.cpuRatio.toFixed(3)}x)`);
  console.log('training steps (ms/step without -> with, medians over the rounds):');
  for (const r of results) {
    console.log(`  ${r.lever.padEnd(55)} ${r.msWithout.toFixed(1).padStart(6)} -> ${r.msWith.toFixed(1).padStart(6)} ms/step  speed-up median ${r.median.toFixed(3)}x (range ${r.min.toFixed(3)}-${r.max.toFixed(3)}x), fastest rounds ${r.best.toFixed(3)}x`);
    console.log(`    pairs (wall): ${r.speedups.map((x) => x.toFixed(3)).join(' ')}`);
    console.log(`    CPU time of all threads, without / with: median ${r.cpuMedian.toFixed(3)}x (range ${r.cpuMin.toFixed(3)}-${r.cpuMax.toFixed(3)}x)`);
  }
}
process.exit(0);
