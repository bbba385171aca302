import { describe, expect, it } from 'vitest';
import { loadCsv, parseCsv } from '../../core/data/csv.js';
import { messageOf, tempFolder } from './helpers.js';

const tmp = tempFolder('csv');

describe('CSV import', () => {
  it('reads a header, a named label column and square images into the vec layout', () => {
    const f = tmp.file('train.csv', 'label,p1,p2,p3,p4\r\n3,1,2,3,4\r\n0,5,6,7,255\r\n\r\n');
    const ds = loadCsv(f);
    expect(ds.shape).toEqual({ d: 1, a: 2, b: 2 });
    expect(ds.count).toBe(2);
    expect(Array.from(ds.labels)).toEqual([3, 0]);
    expect(ds.classes).toBe(4);
    // rows [1 2],[3 4] -> column-major 1 3 2 4
    expect(Array.from(ds.x.subarray(0, 4))).toEqual([1, 3, 2, 4]);
    expect(ds.rawRange).toEqual({ min: 0, max: 255 });
    expect(ds.source).toBe(`CSV ${f}`);
  });

  it('reads files without a header, a label in the last column, a given shape and planar pixels', () => {
    // shape 2x1x2 planar: channel 0 = [1 2], channel 1 = [3 4]; vec = c0r0k0, c1r0k0, c0r0k1, c1r0k1
    const ds = parseCsv('1,2,3,4,1\n0.5,0.5,0.5,0.25,0\n', 'p.csv', { labelColumn: -1, shape: { d: 2, a: 1, b: 2 }, pixelOrder: 'chw' });
    expect(Array.from(ds.x.subarray(0, 4))).toEqual([1, 3, 2, 4]);
    expect(Array.from(ds.labels)).toEqual([1, 0]);
    expect(ds.rawRange).toEqual({ min: 0.25, max: 4 });
    const quoted = parseCsv('"pixel1","label","pixel2"\n"7","1","9"\n', 'q.csv', { shape: { d: 1, a: 1, b: 2 } });
    expect(Array.from(quoted.labels)).toEqual([1]);
    expect(Array.from(quoted.x)).toEqual([7, 9]);
  });

  it('rejects NaN and empty cells with file:line:column', async () => {
    const f = tmp.file('nan.csv', 'label,a,b,c,d\n1,0,0,0,0\n2,0,abc,0,0\n');
    expect(await messageOf(() => loadCsv(f))).toBe(`${f}:3:3: 'abc' is not a finite number`);
    expect(await messageOf(() => parseCsv('1,0,0,0,0\n2,0,0,NaN,0\n', 'n.csv'))).toBe(`n.csv:2:4: 'NaN' is not a finite number`);
    expect(await messageOf(() => parseCsv('1,0,0,0,0\n2,0,,0,0\n', 'e.csv'))).toBe('e.csv:2:3: empty cell');
    // a bad cell in the first row is reported, not mistaken for a header
    expect(await messageOf(() => parseCsv('1,0,,0,0\n2,0,0,0,0\n', 'f.csv'))).toBe('f.csv:1:3: empty cell');
    expect(await messageOf(() => parseCsv('\n1,x,0,0,0\n', 'g.csv'))).toBe(`g.csv:2:2: 'x' is not a finite number (if this row is a header, pass header: true)`);
  });

  it('rejects rows of the wrong length, bad labels and labels outside the classes', async () => {
    expect(await messageOf(() => parseCsv('1,0,0,0,0\n2,0,0,0\n', 'r.csv'))).toBe('r.csv:2:5: the row has 4 columns, the first row has 5');
    expect(await messageOf(() => parseCsv('1.5,0,0,0,0\n', 'l.csv'))).toBe(`l.csv:1:1: label '1.5' is not a non-negative integer`);
    expect(await messageOf(() => parseCsv('-1,0,0,0,0\n', 'l.csv'))).toBe(`l.csv:1:1: label '-1' is not a non-negative integer`);
    expect(await messageOf(() => parseCsv('label,a,b,c,d\n1,0,0,0,0\n10,0,0,0,0\n', 'c.csv', { classes: 10 }))).toBe(
      'c.csv:3:1: label 10 is outside the 10 classes [0, 9]',
    );
  });

  it('rejects empty files, header-only files and shapes it cannot infer or that do not fit', async () => {
    const empty = tmp.file('empty.csv', '');
    expect(await messageOf(() => loadCsv(empty))).toBe(`${empty}: the file is empty`);
    expect(await messageOf(() => parseCsv('label,a,b,c,d\n\n', 'h.csv'))).toBe('h.csv: the file holds no data rows');
    expect(await messageOf(() => parseCsv('1,0,0,0\n', 's.csv'))).toBe(
      's.csv: cannot infer the image shape from 3 pixel columns (not a square): give the shape (channels x height x width)',
    );
    expect(await messageOf(() => parseCsv('1,0,0,0\n', 's.csv', { shape: { d: 1, a: 2, b: 2 } }))).toBe('s.csv: the rows have 3 pixel columns but the shape 1x2x2 needs 4');
    expect(await messageOf(() => parseCsv('a,b\n1,2\n', 'n.csv', { labelColumn: 'label' }))).toBe("n.csv: line 1: the header has no column 'label' (columns: a, b)");
  });
});
