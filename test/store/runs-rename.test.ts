import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openWorkspace } from '../../core/store/workspace';

describe('renaming a run', () => {
  it('renames within the experiment and refuses a taken or empty name', () => {
    const ws = openWorkspace(join(mkdtempSync(join(tmpdir(), 'cnnwb-rename-')), 'ws.db'));
    const spec = { experiment: 'e', graph: '{}', hyperParameters: {}, dataset: { name: 'd', fingerprint: 'f' }, seed: 1, backend: 'js' };
    const a = ws.startRun({ ...spec, name: 'a' });
    const b = ws.startRun({ ...spec, name: 'b' });
    a.finish('completed');
    b.finish('completed');
    expect(ws.runs.rename(a.runId, '  first ').name).toBe('first');
    expect(ws.runs.get(a.runId)!.name).toBe('first');
    expect(() => ws.runs.rename(a.runId, 'b')).toThrow('experiment "e" already has a run named "b"');
    expect(() => ws.runs.rename(a.runId, ' ')).toThrow(`run ${a.runId}: a run name must not be empty`);
    expect(() => ws.runs.rename(999, 'x')).toThrow('no run with id 999');
    ws.close();
  });
});
