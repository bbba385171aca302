import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CALL_NAMES } from '../../core/api/contract';
import { openWorkbenchService } from '../../core/service/open-service';
import { parseGraphText } from '../../core/graph/parse';
import { templatesFolder, tempService } from './fixtures';

describe('workbench service', () => {
  let t: ReturnType<typeof tempService>;
  beforeEach(() => {
    t = tempService();
  });
  afterEach(() => t.dispose());

  it('implements every call the contract names', () => {
    for (const name of CALL_NAMES) expect(typeof t.service[name], name).toBe('function');
  });

  it('says which shell and workspace it serves', async () => {
    expect(await t.service.appInfo()).toEqual({
      name: 'CNN Workbench',
      version: '9.9.9',
      shell: 'browser',
      workspacePath: join(t.folder, 'workspace.db'),
      nativeDialogs: false,
      workingFolder: process.cwd(),
    });
  });

  it('lists the three shipped templates, each of which compiles', async () => {
    const list = await t.service.listTemplates();
    expect(list.map((x) => x.id)).toEqual(['lenet5', 'simplenn-3layer', 'simplenn-7layer']);
    expect(list.find((x) => x.id === 'simplenn-3layer')!.description).toBe('input → conv → pool → conv → pool → conv → pool → fc → output');
    for (const { id } of list) {
      const compiled = await t.service.compileGraph(await t.service.getTemplate(id));
      expect(compiled.errors, id).toEqual([]);
      expect(compiled.ok, id).toBe(true);
    }
    const three = await t.service.compileGraph(await t.service.getTemplate('simplenn-3layer'));
    expect(three.totals.paramCount).toBe(832 + 18496 + 36928 + 5770);
  });

  it('refuses an unknown or path-like template id', () => {
    expect(() => t.service.getTemplate('nope')).toThrow(/unknown template "nope"/);
    expect(() => t.service.getTemplate('../package')).toThrow(/unknown template/);
  });

  it('compileGraph reports a structurally broken graph as an error, not a crash', () => {
    expect(() => t.service.compileGraph({ format: 'cnnwb-graph', version: 1, name: 'x', nodes: 'no' } as never)).toThrow(/nodes: expected an array/);
  });

  it('saves and opens a graph file, remembering it among recent files with an event', async () => {
    const events: string[][] = [];
    t.service.events.on('onRecentFilesChanged', (list) => events.push(list));
    const graph = await t.service.getTemplate('lenet5');
    const file = join(t.folder, 'lenet.json');
    expect(await t.service.saveGraphFile(file, graph)).toEqual({ status: 'saved', path: file });
    expect(parseGraphText(readFileSync(file, 'utf8'))).toEqual(graph);
    const opened = await t.service.openGraphFile(file);
    expect(opened).toEqual({ status: 'opened', graph, path: file, fileName: 'lenet.json' });
    const other = join(t.folder, 'other.json');
    await t.service.saveGraphFile(other, graph);
    expect(await t.service.recentFiles()).toEqual([other, file]);
    expect(events).toEqual([[file], [file], [other, file]]);
  });

  it('opens a malformed file as an error naming the file and the place, without throwing', async () => {
    const bad = join(t.folder, 'bad.json');
    writeFileSync(bad, '{"format": "cnnwb-graph", "version": 1, "nodes": [{"id": "a", "kind": "conv"}], "edges": []}');
    expect(await t.service.openGraphFile(bad)).toEqual({
      status: 'error',
      fileName: 'bad.json',
      where: 'nodes[0].params',
      message: 'bad.json: nodes[0].params: expected an object',
    });
    const notJson = join(t.folder, 'broken.json');
    writeFileSync(notJson, '{"format": ');
    const r = await t.service.openGraphFile(notJson);
    expect(r.status === 'error' && r.where).toBe('JSON');
    const missing = await t.service.openGraphFile(join(t.folder, 'missing.json'));
    expect(missing.status === 'error' && missing.message).toMatch(/missing\.json: cannot be read \(ENOENT\)/);
    expect(await t.service.recentFiles()).toEqual([]);
  });

  it('opens uploaded text the same way', async () => {
    const r = await t.service.openGraphText('{"format": "other"}', 'up.json');
    expect(r).toEqual({ status: 'error', fileName: 'up.json', where: 'format', message: 'up.json: format: expected "cnnwb-graph", got "other"' });
  });

  it('answers cancelled for a path it would need to ask a person for', async () => {
    expect(await t.service.openGraphFile(null)).toEqual({ status: 'cancelled' });
    expect(await t.service.saveGraphFile(null, await t.service.getTemplate('lenet5'))).toEqual({ status: 'cancelled' });
  });

  it('does not write a graph that is not well formed', async () => {
    const file = join(t.folder, 'x.json');
    const r = await t.service.saveGraphFile(file, { format: 'cnnwb-graph', version: 1, name: 'x', nodes: [], edges: [{ id: 'e' }] } as never);
    expect(r.status).toBe('error');
    expect(() => readFileSync(file)).toThrow();
  });

  it('keeps the draft in the workspace file across a reopen', async () => {
    expect(await t.service.loadDraft()).toBeNull();
    const graph = await t.service.getTemplate('simplenn-7layer');
    await t.service.saveDraft({ graph, filePath: '/somewhere/seven.json', dirty: true });
    t.close();
    const again = openWorkbenchService({ workspacePath: join(t.folder, 'workspace.db'), templatesFolder, shell: 'browser', version: 'x' });
    try {
      expect(await again.service.loadDraft()).toEqual({ graph, filePath: '/somewhere/seven.json', dirty: true });
    } finally {
      again.close();
    }
  });

  it('refuses a draft that is not a graph', () => {
    expect(() => t.service.saveDraft({ graph: { nodes: [] }, filePath: null, dirty: false } as never)).toThrow(/format/);
  });
});
