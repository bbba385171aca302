import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './fixtures';

/** Every import specifier of every .ts/.tsx file under folder, resolved to a repo path when relative. */
function importsUnder(folder: string): { file: string; spec: string }[] {
  const out: { file: string; spec: string }[] = [];
  for (const e of readdirSync(join(repoRoot, folder), { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || !/\.(ts|tsx|mts)$/.test(e.name)) continue;
    const path = join(e.parentPath, e.name);
    const text = readFileSync(path, 'utf8');
    for (const m of text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm)) {
      const raw = m[1] ?? m[2];
      const spec = raw.startsWith('.') ? relative(repoRoot, resolve(dirname(path), raw)) : raw;
      out.push({ file: relative(repoRoot, path), spec });
    }
  }
  return out;
}

function violations(folder: string, allowed: (spec: string) => boolean): string[] {
  return importsUnder(folder)
    .filter(({ spec }) => !allowed(spec))
    .map(({ file, spec }) => `${file} imports ${spec}`);
}

// The layering the architecture asks for, kept true by a test rather than by memory.
describe('import layering', () => {
  it('core/api imports only core/graph types and itself', () => {
    expect(violations('core/api', (s) => s.startsWith('core/api/') || s.startsWith('core/graph/'))).toEqual([]);
  });

  it('core/service imports no Electron, React or DOM code', () => {
    expect(violations('core/service', (s) => s.startsWith('core/') || s.startsWith('node:'))).toEqual([]);
  });

  it('the renderer imports no Node or Electron, and of core only the contract and the pure graph compiler', () => {
    const ok = (s: string) =>
      s.startsWith('renderer/') || s.startsWith('core/api/') || s.startsWith('core/graph/') || ['react', 'react-dom/client', 'zustand', 'zustand/vanilla', '@xyflow/react', 'uplot', 'react-resizable-panels', 'katex', 'html-to-image'].includes(s) || s.endsWith('.css');
    expect(importsUnder('renderer').filter((i) => i.spec === '@xyflow/react').length).toBeGreaterThan(3);
    expect(violations('renderer', ok)).toEqual([]);
  });

  it('the preload imports only electron and the contract', () => {
    expect(violations('electron/preload', (s) => s === 'electron' || s.startsWith('core/api/'))).toEqual([]);
  });

  it('the host imports no Electron or React', () => {
    expect(violations('host', (s) => s.startsWith('host/') || s.startsWith('core/') || s.startsWith('node:') || s === 'ws')).toEqual([]);
  });
});
