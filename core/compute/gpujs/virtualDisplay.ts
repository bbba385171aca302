/**
 * gpu.js's GPU mode in Node (`headlessgl`) needs the `gl` package's native build and an X display.
 * On a machine without one (CI, a server), Xvfb gives a virtual display on which `gl` renders in
 * software. `scripts/setup-gpu.sh` builds `gl`; the tests and the bench call `ensureDisplay()`.
 * The app itself never starts an X server: a desktop has its own display.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';

const require = createRequire(import.meta.url);

/** Why `gl` (headless GL) cannot load here, or null when its native build loads. */
export function glUnavailableReason(): string | null {
  let dir: string;
  try {
    dir = join(require.resolve('gl/package.json'), '..');
  } catch {
    return 'the gl package (headless GL) is not installed';
  }
  if (!existsSync(join(dir, 'build', 'Release', 'webgl.node'))) return 'gl (headless GL) is not built for this runtime: run scripts/setup-gpu.sh (about 4 minutes)';
  try {
    require('gl');
    return null;
  } catch (error) {
    return `gl (headless GL) does not load: ${(error as Error).message.split('\n')[0]}`;
  }
}

function findXvfb(): string | null {
  for (const dir of (process.env.PATH ?? '/usr/bin').split(delimiter)) {
    const candidate = join(dir, 'Xvfb');
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

export interface VirtualDisplay {
  /** The X display GL contexts open (":N"), or null when there is none. */
  display: string | null;
  /** Whether this call started an Xvfb (stop() ends it). */
  started: boolean;
  /** Why there is no display, when display is null. */
  reason?: string;
  stop(): void;
}

let shared: { child: ChildProcess; display: string } | null = null;

/**
 * The display to run headless GL on: $DISPLAY when set, else an Xvfb started on a free display
 * number (Xvfb picks it, -displayfd) when gl is built and Xvfb is installed; it ends with the process.
 */
export async function ensureDisplay(): Promise<VirtualDisplay> {
  const none = (reason: string): VirtualDisplay => ({ display: null, started: false, reason, stop: () => {} });
  if (process.env.DISPLAY) return { display: process.env.DISPLAY, started: false, stop: () => {} };
  const glReason = glUnavailableReason();
  if (glReason) return none(glReason);
  const xvfb = findXvfb();
  if (!xvfb) return none('no X display and no Xvfb to start one (Debian: apt-get install xvfb)');
  if (!shared) {
    // A small shell keeps Xvfb only as long as this process lives, even if it is killed outright.
    const watch = `"$0" -displayfd 3 -screen 0 64x64x24 -nolisten tcp & x=$!; trap 'kill $x 2>/dev/null' EXIT INT TERM; while kill -0 ${process.pid} 2>/dev/null && kill -0 $x 2>/dev/null; do sleep 2; done`;
    const child = spawn('/bin/sh', ['-c', watch, xvfb], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const number = await new Promise<string | null>((resolve) => {
      let out = '';
      const fd3 = child.stdio[3] as NodeJS.ReadableStream;
      fd3.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(out.trim());
      });
      child.on('exit', () => resolve(null));
      child.on('error', () => resolve(null));
      setTimeout(() => resolve(null), 10_000).unref();
    });
    if (!number) {
      child.kill();
      return none(`Xvfb did not start: ${stderr.trim().split('\n').pop() ?? 'no output'}`);
    }
    child.unref();
    (child.stderr as unknown as { unref?: () => void }).unref?.();
    (child.stdio[3] as unknown as { unref?: () => void }).unref?.();
    process.once('exit', () => child.kill());
    shared = { child, display: `:${number}` };
  }
  process.env.DISPLAY = shared.display;
  return {
    display: shared.display,
    started: true,
    stop: () => {
      if (!shared) return;
      shared.child.kill();
      shared = null;
      delete process.env.DISPLAY;
    },
  };
}
