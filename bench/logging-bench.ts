/**
 * npm run bench:logging [-- --json] [--rounds N] [--epochs N] [--backend NAME]
 *
 * The cost of recording a run in the workspace: the same training (3-layer template, batch 128,
 * SGD, the shipped sample, fixed seed) in a worker with every event recorded (metrics every step,
 * layer statistics every 10 steps, a checkpoint per epoch) and with recording off, alternating,
 * several rounds. Prints the median images/s of each and the slowdown. Goal: within 5%.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseGraphText } from '../core/graph/parse';
import { startRecordedTraining } from '../core/runs/recordedTraining';
import { openWorkspace } from '../core/store/workspace';

const argv = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 && at + 1 < argv.length ? argv[at + 1] : fallback;
};
const rounds = Number(option('rounds', '3'));
const epochs = Number(option('epochs', '3'));
const backend = option('backend', 'auto');
const json = argv.includes('--json');
const graph = parseGraphText(readFileSync(new URL('../resources/templates/simplenn-3layer.json', import.meta.url), 'utf8'));

async function trainOnce(record: boolean, dir: string, round: number): Promise<{ imagesPerSec: number; fileBytes: number }> {
  const dbPath = join(dir, `round-${round}.db`);
  const workspace = record ? openWorkspace(dbPath) : null;
  let images = 0;
  let startedAt = 0;
  let endedAt = 0;
  const training = startRecordedTraining(
    { graph, data: 'sample', testData: null, backend, config: { optimizer: 'sgd', epochs, batchSize: 128, seed: 1, statsEvery: record ? 10 : 0, sgd: { lr: 0.003 } } },
    workspace,
    {
      onEvent: (e) => {
        // Timed from the first step to the last, so worker start-up and data loading are left out.
        if (e.type === 'started') startedAt = performance.now();
        if (e.type === 'step') {
          images += Math.round((e.imagesPerSec * e.stepMs) / 1000);
          endedAt = performance.now();
        }
      },
    },
  );
  await training.done;
  workspace?.close();
  return { imagesPerSec: (images * 1000) / (endedAt - startedAt), fileBytes: record ? statSync(dbPath).size : 0 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dir = mkdtempSync(join(tmpdir(), 'cnnwb-logging-bench-'));
try {
  const on: number[] = [];
  const off: number[] = [];
  let fileBytes = 0;
  await trainOnce(false, dir, -1); // warm-up: caches, wasm compilation
  for (let r = 0; r < rounds; r++) {
    off.push((await trainOnce(false, dir, r)).imagesPerSec);
    const recorded = await trainOnce(true, dir, r);
    on.push(recorded.imagesPerSec);
    fileBytes = recorded.fileBytes;
  }
  const result = {
    setup: `3-layer template, batch 128, SGD, shipped sample (2700 images), ${epochs} epochs per run, backend ${backend}, ${rounds} rounds`,
    imagesPerSecLoggingOff: median(off),
    imagesPerSecLoggingOn: median(on),
    slowdownPercent: (100 * (median(off) - median(on))) / median(off),
    workspaceBytes: fileBytes,
    runs: { off, on },
  };
  if (json) console.log(JSON.stringify(result));
  else {
    console.log(`logging cost — ${result.setup}`);
    console.log(`  logging off: ${result.imagesPerSecLoggingOff.toFixed(0)} images/s   (runs: ${off.map((v) => v.toFixed(0)).join(', ')})`);
    console.log(`  logging on:  ${result.imagesPerSecLoggingOn.toFixed(0)} images/s   (runs: ${on.map((v) => v.toFixed(0)).join(', ')})`);
    console.log(`  slowdown:    ${result.slowdownPercent.toFixed(1)}% (goal: within 5%); workspace after one run: ${(fileBytes / 1024).toFixed(0)} KiB`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
