/**
 * The built Electron main (out/main/index.js) on Node 22, against the stand-in `electron` module:
 * Node 22 plays Electron's embedded Node, a runtime whose NODE_MODULE_VERSION (127) differs from
 * the one better-sqlite3 was built for by `npm install` on the Node that runs the tests (Node 20: 115).
 * Main must not load native modules itself; the core service runs where they match, or main says
 * so in one message before any window opens. Node 22 comes from the npm registry
 * (scripts/install-other-node.mjs, run by scripts/install-test-deps.sh or here when missing).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installOtherNode } from '../../scripts/install-other-node.mjs';
import { ensureBuilt } from '../e2e/harness';
import { repoRoot } from './fixtures';

const stubFolder = join(repoRoot, 'test', 'service', 'electron-stub');
const mainBundle = join(repoRoot, 'out', 'main', 'index.js');
const nativeFile = join(repoRoot, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');

describe('Electron main on a runtime with another native ABI (Node 22)', () => {
  let node22 = '';
  const folder = mkdtempSync(join(tmpdir(), 'cnnwb-node22-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  beforeAll(() => {
    node22 = installOtherNode();
    ensureBuilt();
  }, 300_000);

  /** Runs a driver script on Node 22 and returns its JSON report and stderr. */
  const drive = (script: string, db: string, env: Record<string, string>) => {
    const child = spawnSync(node22, [join(stubFolder, script), mainBundle, db], { cwd: repoRoot, encoding: 'utf8', timeout: 240_000, env: { ...process.env, CNNWB_SERVICE_NODE: '', ...env } });
    if (child.status !== 0) throw new Error(`${script} exited ${child.status}: ${child.stderr}`);
    return { report: JSON.parse(child.stdout.trim().split('\n').at(-1)!), stderr: child.stderr };
  };

  it('Node 22 is a runtime with another ABI than this Node', () => {
    const abi = execFileSync(node22, ['-p', 'process.versions.modules'], { encoding: 'utf8' }).trim();
    expect(abi).toBe('127');
    expect(process.versions.modules).not.toBe(abi);
  });

  it('npm start\'s way: main on Node 22, the service on the Node that built better-sqlite3 — the workspace opens, a template trains on the sample, runs are listed and reopen, a killed service is restarted', () => {
    const db = join(folder, 'session.db');
    const { report } = drive('drive-session.mjs', db, { CNNWB_SERVICE_NODE: process.execPath });
    expect(report.main).toEqual({ node: expect.stringMatching(/^v22\./), modules: 127 });
    expect(report.windows).toBe(1);
    expect(report.exitCode).toBeNull();
    expect(report.errors).toEqual([]);
    // The service is a child process running this Node (ABI 115), not a thread of main.
    expect(report.service).toHaveLength(1);
    expect(report.service[0].exe).toBe(process.execPath);
    expect(report.appInfo).toMatchObject({ shell: 'electron', workspacePath: db });
    expect(existsSync(db)).toBe(true);
    expect(report.templates).toEqual(expect.arrayContaining(['simplenn-3layer', 'lenet5']));
    // One epoch of the 3-layer template on the 3000-image sample: 2700 / 64 = 43 steps.
    expect(report.ended).toMatchObject({ type: 'ended', status: 'completed' });
    expect(report.ended.testAccuracy).toBeGreaterThan(0.3);
    expect(report.steps).toBe(43);
    expect(report.runs).toEqual([{ id: 1, name: 'first', status: 'completed' }]);
    expect(report.reopened).toEqual({ name: 'first', status: 'completed', steps: 43, evaluations: 1, checkpoints: 1, nodes: 9 });

    // Killed mid-run: main asked, the person chose Restart, the window stayed and reloaded.
    const { crash } = report;
    expect(crash.messageBoxes).toHaveLength(1);
    expect(crash.messageBoxes[0]).toMatchObject({ message: 'The core service stopped', buttons: ['Restart the service', 'Quit'] });
    expect(crash.messageBoxes[0].detail).toMatch(/killed by SIGKILL/);
    expect(crash.windows).toBe(1);
    expect(crash.exitCode).toBeNull();
    expect(crash.newService).toHaveLength(1);
    expect(crash.newService[0].pid).not.toBe(report.service[0].pid);
    expect(crash.runs).toEqual([
      { name: 'killed', status: 'interrupted', resumable: expect.any(Boolean) },
      { name: 'first', status: 'completed', resumable: false },
    ]);
  }, 300_000);

  const expectAbiMessage = (result: ReturnType<typeof drive>, fix: RegExp) => {
    const { report, stderr } = result;
    expect(report.windows).toBe(0);
    expect(report.loaded).toEqual([]);
    expect(report.exitCode).toBe(1);
    expect(report.errors).toHaveLength(1);
    const message: string = report.errors[0];
    expect(message).toContain('CNN Workbench cannot start: The native module better-sqlite3');
    expect(message).toContain(nativeFile);
    expect(message).toContain(`was built for NODE_MODULE_VERSION ${process.versions.modules} (Node ${process.versions.node.split('.')[0]})`);
    expect(message).toContain(`runs on Node v22.23.5 at ${node22}, which needs NODE_MODULE_VERSION 127 (Node 22)`);
    expect(message.split('\n')[1]).toMatch(fix);
    expect(stderr).toContain(message); // and on the terminal
  };

  it('a service on Node 22 with Node 20\'s better-sqlite3: one message with the module, both ABIs and the rebuild command; no window, no workspace', () => {
    const db = join(folder, 'dev-abi.db');
    const result = drive('drive-startup.mjs', db, { CNNWB_SERVICE_NODE: node22 });
    expectAbiMessage(result, new RegExp(`^To fix it, rebuild it with the Node that runs the service: PATH="${join(node22, '..').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\$PATH" npm rebuild better-sqlite3, then npm start\\.$`));
    expect(readdirSync(folder).filter((f) => f.startsWith('dev-abi'))).toEqual([]);
  }, 120_000);

  it('Electron started by hand (no npm start): the service in a utilityProcess on Electron\'s Node gets the same message, pointing to npm start', () => {
    const result = drive('drive-startup.mjs', join(folder, 'direct.db'), {});
    expect(result.report.utilityForks).toEqual([join(repoRoot, 'out', 'main', 'service-worker.js')]);
    expectAbiMessage(result, /^To fix it, start the app with npm start .*or rebuild it for Electron with npx electron-builder install-app-deps\.$/);
  }, 120_000);

  it('the packaged app with a mismatched module: the message says to reinstall', () => {
    const result = drive('drive-startup.mjs', join(folder, 'packaged.db'), { STUB_PACKAGED: '1', STUB_RESOURCES: folder, CNNWB_SERVICE_NODE: process.execPath });
    expect(result.report.utilityForks).toHaveLength(1); // packaged: never the development fork, whatever the environment says
    expectAbiMessage(result, /^To fix it, reinstall CNN Workbench \(this installation's better-sqlite3 does not match its Electron\)\.$/);
  }, 120_000);
});
