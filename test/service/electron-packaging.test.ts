/**
 * What electron-builder would pack, checked against what the built app loads at run time: every
 * such file is in the package (app.asar, or extraResources) and, where it must be, outside the
 * archive (asarUnpack). No electron-builder runs here; this reads electron-builder.yml and out/.
 * Also the afterPack hook that sets the Electron fuses, run on a stand-in binary.
 */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, matchesGlob, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../e2e/harness';
import { repoRoot } from './fixtures';

interface BuilderConfig {
  files: string[];
  extraResources: { from: string; to: string; filter: string[] }[];
  asarUnpack: string[];
  afterPack: string;
  npmRebuild: boolean;
}

const config = parse(readFileSync(join(repoRoot, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { main: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };
const posix = (path: string) => path.split(sep).join('/');

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => posix(relative(repoRoot, join(e.parentPath, e.name))));
}

/** electron-builder's `files`: the last pattern that matches decides, `!` excludes. */
function inAppAsar(path: string): boolean {
  let included = false;
  for (const pattern of config.files) {
    if (pattern.startsWith('!')) {
      if (matchesGlob(path, pattern.slice(1))) included = false;
    } else if (matchesGlob(path, pattern)) included = true;
  }
  return included;
}

/** A production dependency's file is packed unless a `!` pattern of `files` excludes it. */
const dependencyPacked = (path: string) => !config.files.some((p) => p.startsWith('!') && matchesGlob(path, p.slice(1)));

const unpacked = (path: string) => config.asarUnpack.some((pattern) => matchesGlob(path, pattern));

/** The installed folders of the production dependencies and theirs (what electron-builder copies into node_modules). */
function productionPackages(): string[] {
  const seen = new Set<string>();
  const visit = (name: string, from: string) => {
    for (let dir = from; ; dir = dirname(dir)) {
      const candidate = join(dir, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) {
        if (seen.has(candidate)) return;
        seen.add(candidate);
        const manifest = JSON.parse(readFileSync(join(candidate, 'package.json'), 'utf8'));
        for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) visit(dep, candidate);
        return;
      }
      if (dir === repoRoot || dirname(dir) === dir) return; // an optional dependency that is not installed here
    }
  };
  for (const name of Object.keys(pkg.dependencies)) visit(name, repoRoot);
  return [...seen];
}

describe('the packaged app (electron-builder.yml against the build)', () => {
  beforeAll(() => ensureBuilt(), 180_000);

  it('packs main, preload and the renderer, and package.json points at main', () => {
    expect(pkg.main).toBe('out/main/index.js');
    for (const file of ['package.json', 'out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html']) expect(inAppAsar(file), file).toBe(true);
    const renderer = filesUnder(join(repoRoot, 'out', 'renderer'));
    expect(renderer.filter((f) => f.endsWith('.js')).length).toBeGreaterThan(0);
    for (const file of renderer) expect(inAppAsar(file), file).toBe(!file.endsWith('.map'));
    expect(inAppAsar('out/.build-lock/x')).toBe(false);
  });

  it('packs the service entry, every worker entry, every shared chunk and the wasm kernels, outside app.asar', () => {
    const main = filesUnder(join(repoRoot, 'out', 'main'));
    for (const entry of ['service-worker.js', 'trainingWorker.js', 'inspectionWorker.js', 'wasmThread.js', 'wasm/kernels.wasm', 'wasm/kernels-relaxed.wasm']) expect(main).toContain(`out/main/${entry}`);
    for (const file of main) {
      expect(inAppAsar(file), file).toBe(true);
      expect(unpacked(file), file).toBe(true);
    }
  });

  it('everything out/main imports is a production dependency (devDependencies are not packed)', () => {
    const imported = new Set<string>();
    for (const file of filesUnder(join(repoRoot, 'out', 'main')).filter((f) => f.endsWith('.js'))) {
      const code = readFileSync(join(repoRoot, file), 'utf8');
      for (const m of code.matchAll(/(?:^|\n)import\s[^;]*?from\s*"([^"]+)"|\bimport\("([^"]+)"\)/g)) {
        const specifier = m[1] ?? m[2];
        if (specifier.startsWith('.') || specifier.startsWith('node:')) continue;
        imported.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]);
      }
    }
    imported.delete('electron'); // the runtime itself
    expect([...imported].sort()).toEqual(['better-sqlite3', 'gpu.js', 'protobufjs', 'sharp']);
    for (const name of imported) expect(pkg.dependencies[name], name).toBeDefined();
  });

  it('packs the Fashion-MNIST sample where core/data looks for it from out/main/', () => {
    const chunk = filesUnder(join(repoRoot, 'out', 'main')).find((f) => readFileSync(join(repoRoot, f), 'utf8').includes('fashion-mnist-sample", import.meta.url'))!;
    const relativeUrl = /new URL\("([^"]+fashion-mnist-sample)", import\.meta\.url\)/.exec(readFileSync(join(repoRoot, chunk), 'utf8'))![1];
    const folder = posix(relative(repoRoot, new URL(relativeUrl, pathToFileURL(join(repoRoot, chunk))).pathname));
    expect(folder).toBe('resources/data/fashion-mnist-sample');
    const sample = filesUnder(join(repoRoot, folder));
    for (const name of ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz', 'manifest.json']) expect(sample).toContain(`${folder}/${name}`);
    for (const file of sample) expect(inAppAsar(file), file).toBe(true);
  });

  it('copies every template to resources/templates, where main looks when packaged', () => {
    const templates = readdirSync(join(repoRoot, 'resources', 'templates')).filter((f) => f.endsWith('.json'));
    expect(templates.length).toBeGreaterThanOrEqual(3);
    const extra = config.extraResources.find((r) => r.from === 'resources/templates');
    expect(extra).toMatchObject({ to: 'templates' });
    for (const name of templates) expect(extra!.filter.some((p) => matchesGlob(name, p)), name).toBe(true);
    expect(readFileSync(join(repoRoot, 'out', 'main', 'index.js'), 'utf8')).toContain('join(process.resourcesPath, "templates")');
  });

  it('unpacks every native module of the production dependencies (better-sqlite3, sharp and libvips) and rebuilds them for Electron', () => {
    const natives: string[] = [];
    for (const folder of productionPackages()) {
      for (const file of filesUnder(folder)) {
        const inOwnFolder = !posix(relative(folder, join(repoRoot, file))).includes('node_modules/');
        if (inOwnFolder && /\.(node|so(\.\d+)*|dylib|dll)$/.test(file)) natives.push(file);
      }
    }
    expect(natives).toContain('node_modules/better-sqlite3/build/Release/better_sqlite3.node');
    expect(natives.some((f) => f.startsWith('node_modules/@img/sharp-') && f.endsWith('.node'))).toBe(true);
    for (const file of natives.filter(dependencyPacked)) expect(unpacked(file), file).toBe(true);
    // gl (gpu.js's optional headless GL, never built: allowScripts) stays out of the package.
    expect(natives.filter((f) => !dependencyPacked(f)).every((f) => f.startsWith('node_modules/gl/'))).toBe(true);
    expect(dependencyPacked('node_modules/better-sqlite3/build/Release/better_sqlite3.node')).toBe(true);
    expect(config.npmRebuild).toBe(true);
  });

  describe('the afterPack hook sets the Electron fuses', () => {
    const folder = mkdtempSync(join(tmpdir(), 'cnnwb-fuses-'));
    afterAll(() => rmSync(folder, { recursive: true, force: true }));
    const require = createRequire(import.meta.url);
    const { getCurrentFuseWire, FuseV1Options } = require('@electron/fuses') as typeof import('@electron/fuses');
    const ENABLE = '1'.charCodeAt(0); // the wire holds one ASCII '1' or '0' per fuse
    const DISABLE = '0'.charCodeAt(0);

    it('on a stand-in Linux binary carrying Electron 45\'s fuse wire (all at their defaults)', async () => {
      // The wire as Electron builds it: sentinel, version 1, length, one byte per fuse ('1' on, '0' off).
      const defaults = '101110010'; // RunAsNode on, cookie encryption off, NODE_OPTIONS on, --inspect on, asar integrity off, only-asar off, ...
      const binary = join(folder, 'cnn-workbench');
      writeFileSync(binary, Buffer.concat([Buffer.from('ELF stand-in '), Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'), Buffer.from([1, defaults.length]), Buffer.from(defaults), Buffer.from(' rest of the binary')]));
      const before = statSync(binary).size;
      const hook = require(join(repoRoot, config.afterPack));
      await hook({ electronPlatformName: 'linux', appOutDir: folder, arch: 1, packager: { executableName: 'cnn-workbench', appInfo: { productFilename: 'CNN Workbench' } } });
      const wire = (await getCurrentFuseWire(binary)) as unknown as Record<number, number>;
      const on = (fuse: number) => wire[fuse] === ENABLE;
      expect(on(FuseV1Options.RunAsNode)).toBe(false);
      expect(on(FuseV1Options.EnableCookieEncryption)).toBe(true);
      expect(on(FuseV1Options.OnlyLoadAppFromAsar)).toBe(true);
      expect(on(FuseV1Options.EnableNodeOptionsEnvironmentVariable)).toBe(false);
      expect(on(FuseV1Options.EnableNodeCliInspectArguments)).toBe(false);
      expect(on(FuseV1Options.GrantFileProtocolExtraPrivileges)).toBe(false);
      expect(statSync(binary).size).toBe(before);
    });

    it('finds the Windows binary by the product name', async () => {
      copyFileSync(join(folder, 'cnn-workbench'), join(folder, 'CNN Workbench.exe'));
      const hook = require(join(repoRoot, config.afterPack));
      await hook({ electronPlatformName: 'win32', appOutDir: folder, arch: 1, packager: { executableName: 'x', appInfo: { productFilename: 'CNN Workbench' } } });
      expect(((await getCurrentFuseWire(join(folder, 'CNN Workbench.exe'))) as unknown as Record<number, number>)[FuseV1Options.RunAsNode]).toBe(DISABLE);
    });
  });
});
