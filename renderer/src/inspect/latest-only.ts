export interface LatestOnly {
  /** Asks for a run; requests made while one runs or waits collapse into one. */
  request(): void;
  cancel(): void;
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: Clock = { now: () => Date.now(), setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) };

/**
 * Runs `task` for the latest request only: never two at once, starts at least `minIntervalMs`
 * apart, and whatever was asked for while one ran is done once afterwards (a trailing run, so the
 * last request is never dropped; the stale ones in between are). Live views poll the service with
 * this so a fast run cannot flood the service or the inspection worker.
 */
export function latestOnly(task: () => Promise<unknown>, minIntervalMs: number, clock: Clock = realClock): LatestOnly {
  let running = false;
  let wanted = false;
  let timer: unknown = null;
  let last = -Infinity;
  const pump = () => {
    if (running || !wanted || timer !== null) return;
    const wait = last + minIntervalMs - clock.now();
    if (wait > 0) {
      timer = clock.setTimeout(() => {
        timer = null;
        pump();
      }, wait);
      return;
    }
    wanted = false;
    running = true;
    last = clock.now();
    task()
      .catch(() => undefined)
      .finally(() => {
        running = false;
        pump();
      });
  };
  return {
    request() {
      wanted = true;
      pump();
    },
    cancel() {
      wanted = false;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
    },
  };
}
