#!/usr/bin/env node
// Installs "a runtime with another ABI" for the Electron tests: Node 22 (NODE_MODULE_VERSION 127,
// where the Node that runs the tests has 115), from the npm registry's node-<os>-<arch> package, into
// .cache/node-<version>/. test/service/electron-node22.test.ts runs the built Electron main on it
// (as Electron's own Node would run it). Prints the binary's path; does nothing when it is there.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const OTHER_NODE_VERSION = '22.23.5';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function otherNodePath() {
  return join(root, '.cache', `node-${OTHER_NODE_VERSION}`, 'bin', 'node');
}

export function installOtherNode() {
  const binary = otherNodePath();
  if (existsSync(binary)) return binary;
  if (process.platform === 'win32') throw new Error('install-other-node: the npm node-* packages are used on Linux and macOS only');
  const pkg = `node-${process.platform}-${process.arch}@${OTHER_NODE_VERSION}`;
  const work = mkdtempSync(join(tmpdir(), 'cnnwb-node-'));
  try {
    execFileSync('npm', ['pack', pkg, '--silent', '--pack-destination', work], { stdio: ['ignore', 'ignore', 'inherit'] });
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`install-other-node: npm pack ${pkg} wrote no tarball`);
    execFileSync('tar', ['-xzf', join(work, tarball), '-C', work, 'package/bin/node', 'package/LICENSE']);
    const target = dirname(dirname(binary));
    mkdirSync(dirname(target), { recursive: true });
    rmSync(target, { recursive: true, force: true });
    renameSync(join(work, 'package'), target);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return binary;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) console.log(installOtherNode());
