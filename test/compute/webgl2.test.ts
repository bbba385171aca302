/**
 * The gpujs backend in gpu.js's `webgl2` mode, in headless Chromium (WebGL2 through SwiftShader,
 * its software GPU): the whole conformance suite (conformance.test.ts, unchanged) is bundled with
 * esbuild for the page, with vitest replaced by a small shim (browser/vitestShim.ts) and the
 * Node-only imports stubbed, and every case must pass against the float64 reference there too.
 * This is the path a renderer-side GPU worker would train by.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeMode } from '../../core/compute/gpujs/gpujsBackend';
import type { GpujsMode } from '../../core/compute/gpujs/gpujsMode';
import { WEBGL2_CHROMIUM_ARGS } from '../../bench/webgl2/run';
import { CHROMIUM } from '../e2e/harness';
import type { CaseResult } from './browser/vitestShim';

const here = import.meta.dirname;
const browserDir = resolve(here, 'browser');

/** What the page imports that only Node has, and what stands in for it. */
const stubs: Plugin = {
  name: 'conformance-in-the-browser',
  setup(b) {
    const to = (file: string) => ({ path: resolve(browserDir, file) });
    b.onResolve({ filter: /^vitest$/ }, () => to('vitestShim.ts'));
    b.onResolve({ filter: /^node:child_process$/ }, () => to('nodeStubs.ts'));
    b.onResolve({ filter: /\/compute\/wasm\/(kernelModule|wasmBackend)$/ }, () => to('nodeStubs.ts'));
    b.onResolve({ filter: /\/core\/compute\/registry$/ }, () => to('registry.ts'));
    b.onResolve({ filter: /^\.\/gpujsModes$/ }, (args) => (args.importer.endsWith('conformance.test.ts') ? to('gpujsModes.ts') : undefined));
  },
};

async function bundle(): Promise<string> {
  const out = await build({
    entryPoints: [resolve(browserDir, 'page.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    define: { 'process.execPath': '""' },
    plugins: [stubs],
    logLevel: 'silent',
  });
  return out.outputFiles[0].text;
}

type PageOutcome = { mode: GpujsMode; results: CaseResult[] } | { error: string };

const skipReason = existsSync(CHROMIUM) ? null : `no Chromium at ${CHROMIUM}`;

describe.skipIf(skipReason)(`gpujs in Chromium's WebGL2 (SwiftShader)${skipReason ? `: ${skipReason}` : ''}`, () => {
  let outcome: PageOutcome;
  let pageErrors: string[];
  let browser: Awaited<ReturnType<typeof chromium.launch>> | null = null;

  beforeAll(async () => {
    const code = await bundle();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: WEBGL2_CHROMIUM_ARGS });
    const page = await browser.newPage();
    pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.setContent('<!doctype html><title>gpujs conformance</title>');
    await page.addScriptTag({ content: code, type: 'module' });
    await page.waitForFunction(() => (window as unknown as { conformance?: unknown }).conformance !== undefined, null, { timeout: 280_000, polling: 500 });
    outcome = (await page.evaluate(() => (window as unknown as { conformance: unknown }).conformance)) as PageOutcome;
    if (!('error' in outcome)) {
      const { mode, results } = outcome;
      const count = (s: string) => results.filter((r) => r.status === s).length;
      console.log(`gpujs webgl2 in Chromium: ${describeMode(mode)}; ${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped`);
    }
  }, 300_000);
  afterAll(async () => browser?.close());

  it('runs gpu.js in webgl2 on a float-capable context and names the renderer', () => {
    expect(pageErrors).toEqual([]);
    if ('error' in outcome) throw new Error(`the page could not run: ${outcome.error}`);
    expect(outcome.mode.mode).toBe('webgl2');
    expect(outcome.mode.accelerated).toBe(true);
    expect(outcome.mode.renderer).toMatch(/SwiftShader/i);
  });

  it('passes every case of the conformance suite against the float64 reference', () => {
    if ('error' in outcome) throw new Error(`the page could not run: ${outcome.error}`);
    const ran = outcome.results.filter((r) => r.status !== 'skipped');
    const failed = ran.filter((r) => r.status === 'failed').map((r) => `${r.name}: ${r.error}`);
    expect(failed).toEqual([]);
    // The suite has ~80 cases per backend: all of them ran, none was skipped.
    expect(ran.length).toBeGreaterThan(70);
    expect(ran.every((r) => r.name.startsWith('compute backend gpujs (webgl2) > '))).toBe(true);
  });
});
