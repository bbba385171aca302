/**
 * Measures what the store costs (not a test; run: npx tsx test/store/measure-store.ts):
 *  - file size per epoch of the simpleNN 3-layer net (469 steps/epoch at batch 128 on 60k images),
 *    with gradient/weight statistics every 1, 10, 50 steps or never, one checkpoint per epoch;
 *  - time the training thread spends in the recorder: pushes per step, commits, and computing
 *    the statistics of all four tensors of every layer on a logged step.
 */
import { rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeTensorStats } from '../../core/store/tensorStats';
import { openWorkspace } from '../../core/store/workspace';
import { GRAPH_3LAYER, sampleSpec } from './helpers';

const STEPS_PER_EPOCH = 469;
const EPOCHS = 3;
// simpleNN 3-layer: [layer, W size, b size]
const LAYERS: [string, number, number][] = [
  ['conv1', 32 * 25, 32],
  ['conv2', 64 * 288, 64],
  ['conv3', 64 * 576, 64],
  ['fc1', 10 * 576, 10],
];
const PARAMS = LAYERS.reduce((n, [, w, b]) => n + w + b, 0);
const tensors = LAYERS.map(([id, w, b]) => ({
  id,
  W: Float32Array.from({ length: w }, (_, i) => Math.sin(i) * 0.1),
  b: Float32Array.from({ length: b }, (_, i) => Math.cos(i) * 0.01),
}));

function fileBytes(file: string): number {
  return statSync(file).size + (statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0);
}

function measure(statsEvery: number | null, flushEveryEvents = 512) {
  const file = join(tmpdir(), `cnnwb-measure-${process.pid}-${statsEvery}.db`);
  rmSync(file, { force: true });
  const ws = openWorkspace(file);
  ws.db.pragma('wal_checkpoint(TRUNCATE)');
  const empty = fileBytes(file);
  const commitMs: number[] = [];
  const rec = ws.startRun(sampleSpec({ graph: GRAPH_3LAYER }), {
    statsEvery: statsEvery ?? Number.MAX_SAFE_INTEGER,
    flushEveryEvents,
    onCommit: (c) => commitMs.push(c.ms),
  });
  let pushMs = 0;
  let statsMs = 0;
  let loggedSteps = 0;
  let checkpointMs = 0;
  const weights = new Uint8Array(PARAMS * 4).map((_, i) => i * 31);
  const momentum = new Uint8Array(PARAMS * 4).map((_, i) => i * 17);
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    for (let k = 1; k <= STEPS_PER_EPOCH; k++) {
      const step = epoch * STEPS_PER_EPOCH + k;
      let t = performance.now();
      rec.step({ step, epoch, loss: 1 / step, lr: 0.01, stepMs: 120, imagesPerSec: 1066 });
      pushMs += performance.now() - t;
      if (statsEvery !== null && rec.wantsLayerStats(step)) {
        loggedSteps++;
        t = performance.now();
        const computed = tensors.flatMap((l) => [
          { layerId: l.id, tensor: 'dW' as const, stats: computeTensorStats(l.W) },
          { layerId: l.id, tensor: 'db' as const, stats: computeTensorStats(l.b) },
          { layerId: l.id, tensor: 'W' as const, stats: computeTensorStats(l.W) },
          { layerId: l.id, tensor: 'b' as const, stats: computeTensorStats(l.b) },
        ]);
        statsMs += performance.now() - t;
        t = performance.now();
        for (const c of computed) rec.layerStats({ step, ...c });
        pushMs += performance.now() - t;
      }
    }
    rec.epoch({ epoch, trainLoss: 0.3, trainAccuracy: 0.9, valLoss: 0.32, valAccuracy: 0.89 });
    const t = performance.now();
    rec.checkpoint({ step: (epoch + 1) * STEPS_PER_EPOCH, epoch, weights, optimizerState: momentum, trainerState: { rng: [1, 2, 3, 4], position: 0 } });
    checkpointMs += performance.now() - t;
  }
  rec.finish('completed');
  ws.db.pragma('wal_checkpoint(TRUNCATE)');
  const total = fileBytes(file) - empty;
  const checkpointBytes = ws.db.prepare('SELECT sum(length(weights) + length(optimizer)) FROM checkpoints').pluck().get() as number;
  ws.close();
  rmSync(file, { force: true });
  rmSync(`${file}-wal`, { force: true });
  rmSync(`${file}-shm`, { force: true });
  return {
    statsEvery: statsEvery ?? 'off',
    'flush every (events)': flushEveryEvents,
    commits: commitMs.length,
    'ms/commit (median)': commitMs.sort((a, b) => a - b)[commitMs.length >> 1].toFixed(2),
    'KiB/epoch (all)': (total / EPOCHS / 1024).toFixed(0),
    'KiB/epoch w/o checkpoint': ((total - checkpointBytes) / EPOCHS / 1024).toFixed(1),
    'recorder ms/step (push+commit)': (pushMs / (EPOCHS * STEPS_PER_EPOCH)).toFixed(4),
    'stats ms/logged step': loggedSteps ? (statsMs / loggedSteps).toFixed(3) : '-',
    'checkpoint ms': (checkpointMs / EPOCHS).toFixed(1),
  };
}

console.log(`simpleNN 3-layer: ${PARAMS} parameters, ${STEPS_PER_EPOCH} steps/epoch, ${EPOCHS} epochs, 16 tensors (4 layers x dW, db, W, b), 32 bins`);
console.table([1, 10, 50, null].map((n) => measure(n)));
console.log('commits of ~10 steps, as with the 1 s interval at ~100 ms per training step:');
console.table([measure(10, 10), measure(null, 10)]);
