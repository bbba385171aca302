/**
 * Times training steps: warm-up steps (the first includes one-time compilation), then `runs` runs of `stepsPerRun` steps each, shrunk to fit
 * a time budget for slow systems (at least 2 runs of 1 step). images/s is the median over runs.
 */
export interface TimingOptions {
  warmup: number;
  runs: number;
  stepsPerRun: number;
  budgetMs: number;
}

export interface Timing {
  warmupMs: number[];
  runMs: number[];
  stepsPerRun: number;
}

/** Steps slower than this report their progress on stderr. */
const SLOW_STEP_MS = 5000;

export function timeSteps(step: () => void, options: TimingOptions): Timing {
  let done = 0;
  const progress = (ms: number) => {
    done++;
    if (ms > SLOW_STEP_MS) process.stderr.write(`    step ${done}: ${(ms / 1000).toFixed(1)} s\n`);
  };
  const warmupMs: number[] = [];
  // Slow systems (seconds per step) stop warming up early: a quarter of the budget at most.
  for (let i = 0; i < Math.max(1, options.warmup); i++) {
    const start = performance.now();
    step();
    warmupMs.push(performance.now() - start);
    progress(warmupMs[warmupMs.length - 1]);
    if (warmupMs.reduce((a, b) => a + b, 0) > options.budgetMs / 4) break;
  }
  const stepMs = warmupMs[warmupMs.length - 1];
  let runs = options.runs;
  let stepsPerRun = options.stepsPerRun;
  if (runs * stepsPerRun * stepMs > options.budgetMs) {
    stepsPerRun = Math.max(1, Math.floor(options.budgetMs / (runs * stepMs)));
    if (runs * stepsPerRun * stepMs > options.budgetMs) runs = Math.max(2, Math.floor(options.budgetMs / stepMs));
  }
  const runMs: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    for (let s = 0; s < stepsPerRun; s++) {
      const stepStart = performance.now();
      step();
      progress(performance.now() - stepStart);
    }
    runMs.push(performance.now() - start);
  }
  return { warmupMs, runMs, stepsPerRun };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
