/**
 * The bench's `gpujs:webgl2` system: the same training step in headless Chromium, gpu.js in its
 * webgl2 mode (SwiftShader where there is no GPU; the GPU where Chromium has one). The page
 * (page.ts) is bundled with esbuild; the first step (every kernel compiling) is reported apart.
 * Peak RSS is this Node process's, not Chromium's: the note says so.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import type { BenchData } from '../benchData';
import { IMAGE_SIZE } from '../benchData';
import type { KernelTime } from '../profilingBackend';
import { median, type TimingOptions } from '../stepTimer';
import type { GpuReport, SystemResult } from '../systems/result';

const CHROMIUM = '/usr/bin/chromium';
/** WebGL2 without a GPU: SwiftShader, which Chromium refuses for WebGL unless told it is wanted. */
export const WEBGL2_CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist', '--disable-background-networking'];

const TEMPLATE = new URL('../../resources/templates/simplenn-3layer.json', import.meta.url);

interface PageResult {
  description: string;
  mode: { mode: string; accelerated: boolean; renderer: string | null };
  setupMs: number;
  firstStepMs: number;
  firstStepCompiles: number;
  firstStepCompileMs: number;
  stepMs: number[];
  loss: number;
  profile: KernelTime[];
  perStep: GpuReport['perStep'];
}

export async function runWebgl2(data: BenchData, batch: number, lr: number, timing: TimingOptions): Promise<Omit<SystemResult, 'peakRssMB'>> {
  const bundle = await build({ entryPoints: [fileURLToPath(new URL('./page.ts', import.meta.url))], bundle: true, write: false, format: 'esm', platform: 'browser', target: 'chrome120', logLevel: 'silent' });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: WEBGL2_CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><title>gpujs webgl2 bench</title>');
    const steps = Math.max(2, timing.runs);
    await page.evaluate((input) => ((globalThis as unknown as { benchInput: unknown }).benchInput = input), {
      template: readFileSync(TEMPLATE, 'utf8'),
      x: Array.from(data.x.subarray(0, batch * IMAGE_SIZE)),
      labels: Array.from(data.labels.subarray(0, batch)),
      batch,
      lr,
      steps,
    });
    await page.addScriptTag({ content: bundle.outputFiles[0].text, type: 'module' });
    await page.waitForFunction(() => (globalThis as unknown as { benchResult?: unknown }).benchResult !== undefined, null, { timeout: 30 * 60_000, polling: 1000 });
    const r = (await page.evaluate(() => (globalThis as unknown as { benchResult: unknown }).benchResult)) as PageResult | { error: string };
    if ('error' in r) throw new Error(`the webgl2 page failed: ${r.error}`);
    const msPerStep = median(r.stepMs);
    return {
      system: 'gpujs:webgl2',
      description: `${r.description} in headless Chromium`,
      batch,
      imagesPerSecond: (batch * 1000) / msPerStep,
      msPerStep,
      runMs: r.stepMs,
      stepsPerRun: 1,
      warmupMs: [r.firstStepMs],
      firstLoss: NaN,
      lastLoss: r.loss,
      notes: ['peak RSS is the Node process that drove Chromium, not the browser', "Chromium's gl.finish does not wait for the GPU: in the profile a kernel's time shows up at the next read or dot"],
      profile: r.profile,
      gpu: { ...r.mode, setupMs: r.setupMs, firstStepMs: r.firstStepMs, firstStepCompiles: r.firstStepCompiles, firstStepCompileMs: r.firstStepCompileMs, perStep: r.perStep },
    };
  } finally {
    await browser.close();
  }
}
