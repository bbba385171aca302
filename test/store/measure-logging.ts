/**
 * Training time with full logging into a workspace vs logging off (not a test; run:
 * npx tsx test/store/measure-logging.ts [backend] [epochs]). The simpleNN 3-layer template on the
 * shipped Fashion-MNIST sample, SGD, batch 128; runs alternate to share any drift.
 */
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseGraph } from '../../core/graph/parse';
import { recordTrainingEvent } from '../../core/store/trainingEvents';
import { openWorkspace } from '../../core/store/workspace';
import { prepareTraining, type TrainingRequest } from '../../core/train/prepare';

const backend = process.argv[2] ?? 'wasm-simd';
const epochs = Number(process.argv[3] ?? 1);
const graphText = readFileSync(new URL('../../resources/templates/simplenn-3layer.json', import.meta.url), 'utf8');

async function once(logging: boolean): Promise<{ ms: number; steps: number }> {
  const request: TrainingRequest = {
    graph: parseGraph(JSON.parse(graphText)),
    data: 'sample',
    testData: null,
    backend,
    config: { optimizer: 'sgd', epochs, batchSize: 128, seed: 3, statsEvery: logging ? 10 : 0 },
  };
  const file = join(tmpdir(), `cnnwb-logging-${process.pid}.db`);
  rmSync(file, { force: true });
  const ws = logging ? openWorkspace(file) : null;
  let recorder: ReturnType<NonNullable<typeof ws>['startRun']> | null = null;
  let steps = 0;
  const prepared = await prepareTraining(request, (e) => {
    if (e.type === 'step') steps++;
    if (recorder) recordTrainingEvent(recorder, e);
  });
  if (ws)
    recorder = ws.startRun(
      { experiment: 'bench', graph: graphText, hyperParameters: {}, dataset: { name: 'sample', fingerprint: prepared.dataFingerprint }, seed: 3, backend },
      { statsEvery: 10 },
    );
  const t = performance.now();
  await prepared.trainer.run();
  const ms = performance.now() - t;
  ws?.close();
  prepared.backend.dispose();
  rmSync(file, { force: true });
  return { ms, steps };
}

const results: Record<string, number[]> = { off: [], on: [] };
let steps = 0;
for (let round = 0; round < 3; round++)
  for (const logging of round % 2 ? [true, false] : [false, true]) {
    const r = await once(logging);
    steps = r.steps;
    results[logging ? 'on' : 'off'].push(r.ms);
  }
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(`backend ${backend}, ${steps} steps (${epochs} epoch(s) of the sample), medians of 3:`);
console.log(`logging off: ${median(results.off).toFixed(0)} ms (${(median(results.off) / steps).toFixed(1)} ms/step)`);
console.log(`logging on (steps, epochs, stats every 10 steps, checkpoints, evaluation): ${median(results.on).toFixed(0)} ms`);
console.log(`overhead: ${((100 * (median(results.on) - median(results.off))) / median(results.off)).toFixed(1)} %`);
