/**
 * Just enough of vitest's API (describe.each, it, it.skip, beforeAll, afterAll, expect) for
 * test/compute/conformance.test.ts to run unchanged in a browser page (webgl2.test.ts bundles it
 * with esbuild, aliasing 'vitest' here). Tests run in order; results go to `window.conformance`.
 */
type Fn = () => unknown;
interface Case {
  name: string;
  run: Fn | null;
  skip?: boolean;
  hooks: Scope;
}
interface Scope {
  before: Fn[];
  after: Fn[];
  parent: Scope | null;
  prefix: string;
}
export interface CaseResult {
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  error?: string;
  ms: number;
}

const cases: Case[] = [];
let scope: Scope = { before: [], after: [], parent: null, prefix: '' };

function format(template: string, item: Record<string, unknown>): string {
  return template.replace(/\$([a-zA-Z_.]+)/g, (_, path: string) => String(path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)?.[k], item)));
}

function describe(name: string, body: () => void): void {
  const outer = scope;
  scope = { before: [], after: [], parent: outer, prefix: `${outer.prefix}${name} > ` };
  body();
  scope = outer;
}
describe.each =
  <T extends Record<string, unknown>>(items: readonly T[]) =>
  (template: string, body: (item: T) => void) => {
    for (const item of items) describe(format(template, item), () => body(item));
  };

function it(name: string, run: Fn): void {
  cases.push({ name: scope.prefix + name, run, hooks: scope });
}
it.skip = (name: string, _run?: Fn) => cases.push({ name: scope.prefix + name, run: null, skip: true, hooks: scope });

export const beforeAll = (fn: Fn) => scope.before.push(fn);
export const afterAll = (fn: Fn) => scope.after.push(fn);
export { describe, it };

function fail(message: string): never {
  throw new Error(message);
}
const show = (v: unknown) => (ArrayBuffer.isView(v) || Array.isArray(v) ? `[${Array.from(v as ArrayLike<number>).slice(0, 12).join(', ')}${(v as ArrayLike<number>).length > 12 ? ', ...' : ''}]` : String(v));

export function expect(actual: unknown, what = '') {
  const label = what ? `${what}: ` : '';
  return {
    toBe: (want: unknown) => Object.is(actual, want) || fail(`${label}expected ${show(actual)} to be ${show(want)}`),
    toEqual: (want: unknown) => JSON.stringify(actual) === JSON.stringify(want) || fail(`${label}expected ${show(actual)} to equal ${show(want)}`),
    toBeLessThanOrEqual: (want: number) => (actual as number) <= want || fail(`${label}expected ${show(actual)} <= ${want}`),
    toBeLessThan: (want: number) => (actual as number) < want || fail(`${label}expected ${show(actual)} < ${want}`),
    toBeGreaterThan: (want: number) => (actual as number) > want || fail(`${label}expected ${show(actual)} > ${want}`),
    toBeGreaterThanOrEqual: (want: number) => (actual as number) >= want || fail(`${label}expected ${show(actual)} >= ${want}`),
    toMatch: (want: RegExp) => want.test(String(actual)) || fail(`${label}expected ${show(actual)} to match ${want}`),
  };
}

/** Runs every collected case in order: a scope's beforeAll before its first case, afterAll after its last. */
export async function runCollected(): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  const started = new Set<Scope>();
  const failedSetup = new Map<Scope, string>();
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i];
    const start = performance.now();
    if (c.skip) {
      results.push({ name: c.name, status: 'skipped', ms: 0 });
    } else {
      let error = failedSetup.get(c.hooks);
      if (!error && !started.has(c.hooks)) {
        started.add(c.hooks);
        try {
          for (const fn of c.hooks.before) await fn();
        } catch (e) {
          error = `beforeAll: ${(e as Error).message}`;
          failedSetup.set(c.hooks, error);
        }
      }
      if (!error) {
        try {
          await c.run!();
        } catch (e) {
          error = (e as Error).message;
        }
      }
      results.push({ name: c.name, status: error ? 'failed' : 'passed', error, ms: performance.now() - start });
    }
    if (cases[i + 1]?.hooks !== c.hooks && started.has(c.hooks)) for (const fn of c.hooks.after) await fn();
  }
  return results;
}
