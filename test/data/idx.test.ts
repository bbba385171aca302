import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeIdxUbyte } from '../../core/data/idx-write.js';
import { maybeGunzip } from '../../core/data/gzip.js';
import { loadIdxPair, parseIdx, idxImages } from '../../core/data/idx.js';
import { messageOf, tempFolder } from './helpers.js';

const tmp = tempFolder('idx');
// 3 images of 2x3: image n holds rows [n*10+1, n*10+2, n*10+3], [n*10+4, n*10+5, n*10+6]
const pixels = Uint8Array.from({ length: 18 }, (_, i) => 10 * Math.floor(i / 6) + (i % 6) + 1);
const images = encodeIdxUbyte([3, 2, 3], pixels);
const labels = encodeIdxUbyte([3], Uint8Array.of(2, 0, 1));

describe('IDX import', () => {
  it('reads plain and gzipped files into the vec layout with labels', () => {
    const plain = loadIdxPair(tmp.file('a-images-idx3-ubyte', images), tmp.file('a-labels-idx1-ubyte', labels));
    const gz = loadIdxPair(tmp.file('b-images-idx3-ubyte.gz', gzipSync(images)), tmp.file('b-labels-idx1-ubyte.gz', gzipSync(labels)));
    expect(plain.shape).toEqual({ d: 1, a: 2, b: 3 });
    expect(plain.count).toBe(3);
    expect(plain.classes).toBe(3);
    expect(Array.from(plain.labels)).toEqual([2, 0, 1]);
    // column-major per image: 1 4 2 5 3 6
    expect(Array.from(plain.x.subarray(0, 6))).toEqual([1, 4, 2, 5, 3, 6]);
    expect(Array.from(plain.x.subarray(12, 18))).toEqual([21, 24, 22, 25, 23, 26]);
    expect(plain.rawRange).toEqual({ min: 0, max: 255 });
    expect(Array.from(gz.x)).toEqual(Array.from(plain.x));
    expect(gz.fingerprint).toBe(plain.fingerprint);
  });

  it('reads idx4 colour images (count x rows x cols x channels)', () => {
    const rgb = encodeIdxUbyte([1, 1, 2, 3], Uint8Array.of(1, 2, 3, 4, 5, 6));
    const { shape, x } = idxImages(parseIdx(rgb, 'rgb'));
    expect(shape).toEqual({ d: 3, a: 1, b: 2 });
    expect(Array.from(x)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('rejects an empty file', async () => {
    const f = tmp.file('empty-images-idx3-ubyte', new Uint8Array(0));
    expect(await messageOf(() => loadIdxPair(f, tmp.file('l1', labels)))).toBe(`${f}: the file is empty`);
  });

  it('rejects a wrong magic number, naming the file and offset', async () => {
    const bad = images.slice();
    bad[0] = 0x1f; // not gzip either, since byte 1 is 0
    const f = tmp.file('magic-images-idx3-ubyte', bad);
    expect(await messageOf(() => loadIdxPair(f, tmp.file('l2', labels)))).toMatch(new RegExp(`^${f}: offset 0: wrong magic number 0x1f000803: not an IDX file`));
    const typeless = images.slice();
    typeless[2] = 0x07;
    expect(await messageOf(() => parseIdx(typeless, 'x.idx'))).toContain('x.idx: offset 0: wrong magic number 0x00000703');
  });

  it('rejects a truncated header and truncated data', async () => {
    expect(await messageOf(() => parseIdx(images.subarray(0, 3), 'h.idx'))).toBe('h.idx: offset 0: the IDX header is truncated: need 4 bytes, the file has 3');
    expect(await messageOf(() => parseIdx(images.subarray(0, 10), 'h.idx'))).toBe('h.idx: offset 4: the IDX header is truncated: 3 dimensions need 16 header bytes, the file has 10');
    const f = tmp.file('short-images-idx3-ubyte.gz', gzipSync(images.subarray(0, images.length - 5)));
    expect(await messageOf(() => loadIdxPair(f, tmp.file('l3', labels)))).toBe(
      `${f}: offset 29: the data is truncated: the header (3 x 2 x 3 ubyte) promises 18 bytes after the 16-byte header, only 13 follow (13 of 18 values)`,
    );
  });

  it('rejects a truncated gzip stream and trailing bytes', async () => {
    const gz = gzipSync(images);
    const f = tmp.file('cut-images-idx3-ubyte.gz', gz.subarray(0, gz.length - 12));
    expect(await messageOf(() => loadIdxPair(f, tmp.file('l4', labels)))).toMatch(new RegExp(`^${f}: is not a valid gzip stream \\(.*\\); the file may be truncated$`));
    const long = new Uint8Array(images.length + 2);
    long.set(images);
    expect(await messageOf(() => parseIdx(long, 'long.idx'))).toBe('long.idx: offset 34: 2 unexpected bytes after the 3 x 2 x 3 ubyte data');
  });

  it('rejects labels outside the class count, naming the label and offset', async () => {
    const l = tmp.file('bad-labels-idx1-ubyte', encodeIdxUbyte([3], Uint8Array.of(2, 10, 1)));
    const i = tmp.file('ok-images-idx3-ubyte', images);
    expect(await messageOf(() => loadIdxPair(i, l, { classes: 10 }))).toBe(`${l}: label 1 (offset 9): label 10 is outside the 10 classes [0, 9]`);
  });

  it('rejects image and label files of different counts or ranks', async () => {
    const l = tmp.file('two-labels-idx1-ubyte', encodeIdxUbyte([2], Uint8Array.of(0, 1)));
    const i = tmp.file('three-images-idx3-ubyte', images);
    expect(await messageOf(() => loadIdxPair(i, l))).toBe(`${l}: offset 4: holds 2 labels but ${i} holds 3 images`);
    expect(await messageOf(() => loadIdxPair(l, l))).toBe(
      `${l}: offset 3: an image file must be idx3 (count x rows x columns) or idx4 (... x channels), this one has 1 dimension(s): 2`,
    );
    expect(await messageOf(() => loadIdxPair(i, i))).toBe(`${i}: offset 3: a label file must be idx1 (one label per instance), this one has 3 dimensions: 3 x 2 x 3`);
  });

  it('says when a file cannot be read', async () => {
    const missing = tmp.path('nope-images-idx3-ubyte');
    expect(await messageOf(() => loadIdxPair(missing, missing))).toBe(`${missing}: cannot be read (ENOENT)`);
  });
});

describe('gzip bombs', () => {
  // gzip members may be concatenated: one member with a valid 10 x 28 x 28 IDX file, then 100
  // members of 10 MB of zeros each: about 1 MB on disk, 1 GB inflated.
  const header = encodeIdxUbyte([10, 28, 28], new Uint8Array(10 * 28 * 28));
  const zeros = gzipSync(new Uint8Array(10 * 2 ** 20), { level: 9 });
  const bomb = Buffer.concat([gzipSync(header), ...Array.from({ length: 100 }, () => zeros)]);

  it('is about 1 MB that inflates to 1 GB', () => {
    expect(bomb.length).toBeGreaterThan(500_000);
    expect(bomb.length).toBeLessThan(2_000_000);
  });

  it('is refused once it inflates past the size its IDX header announces', async () => {
    const message = await messageOf(() => parseIdx(bomb, 'bomb-idx3-ubyte.gz'));
    expect(message).toBe(
      `bomb-idx3-ubyte.gz: inflates to more than the ${16 + 7840} bytes its IDX header announces (10 x 28 x 28 ubyte): refused before unpacking the rest (a damaged file or a gzip bomb)`,
    );
  });

  it('maybeGunzip stops at maxOutputLength', async () => {
    expect(await messageOf(() => maybeGunzip(bomb, 'bomb.gz', 1000))).toBe('bomb.gz: inflates to more than 1000 bytes');
    expect(Buffer.from(maybeGunzip(gzipSync(header), 'ok.gz', header.length)).equals(Buffer.from(header))).toBe(true);
  });

  it('a header that announces more than the limit is refused before inflating', async () => {
    const huge = Buffer.from(header);
    huge.writeUInt32BE(60000, 4);
    const message = await messageOf(() => parseIdx(gzipSync(huge), 'huge.gz', { maxBytes: 1_000_000 }));
    expect(message).toBe('huge.gz: offset 4: the header announces 47040016 bytes (60000 x 28 x 28 ubyte), more than the limit of 1000000 bytes');
  });

  it('a gzip file with a 10 KB file name before its data (the IDX header past the first 4 KiB) still reads', () => {
    const images = encodeIdxUbyte([50, 28, 28], Uint8Array.from({ length: 50 * 784 }, (_, i) => (i * 7919) % 251));
    // RFC 1952: magic, deflate, FLG.FNAME, mtime, XFL, OS, the zero-terminated name, the data, CRC32, ISIZE
    const name = Buffer.alloc(10_000, 'n'.charCodeAt(0));
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(crc32(images), 0);
    trailer.writeUInt32LE(images.length, 4);
    const file = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 8, 0, 0, 0, 0, 0, 3]), name, Buffer.of(0), deflateRawSync(images), trailer]);
    const idx = parseIdx(file, 'named.gz');
    expect(idx.dims).toEqual([50, 28, 28]);
    expect(Buffer.from(idx.bytes).equals(Buffer.from(images))).toBe(true);
  });
});
