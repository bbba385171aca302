import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadImageFolder } from '../../core/data/image-folder.js';
import { vecIndex } from '../../core/data/layout.js';
import { messageOf, tempFolder } from './helpers.js';

const tmp = tempFolder('images');

function raw(width: number, height: number, channels: 1 | 3, value: (r: number, k: number, c: number) => number) {
  const data = Buffer.alloc(width * height * channels);
  for (let r = 0; r < height; r++) for (let k = 0; k < width; k++) for (let c = 0; c < channels; c++) data[(r * width + k) * channels + c] = value(r, k, c);
  const image = sharp(data, { raw: { width, height, channels } });
  return channels === 1 ? image.toColourspace('b-w') : image;
}

async function png(name: string, width: number, height: number, channels: 1 | 3, value: (r: number, k: number, c: number) => number) {
  return tmp.file(name, await raw(width, height, channels, value).png().toBuffer());
}

const gray = (r: number, k: number) => 10 * r + k + 1;

beforeAll(async () => {
  // gray/: classes "b-shirt" and "a-shoe" (sorted: a-shoe = 0, b-shirt = 1), 2x3 grayscale PNGs
  await png('gray/b-shirt/1.png', 3, 2, 1, gray);
  await png('gray/a-shoe/1.png', 3, 2, 1, (r, k) => 100 + gray(r, k));
  await png('gray/a-shoe/2.png', 3, 2, 1, (r, k) => 200 + gray(r, k));
  tmp.file('gray/a-shoe/notes.txt', 'not an image');
  // rgb/: one RGB PNG and one grayscale JPEG
  await png('rgb/x/1.png', 2, 2, 3, (r, k, c) => 50 * c + 10 * r + k);
  tmp.file('rgb/y/1.jpg', await raw(2, 2, 1, () => 120).jpeg({ quality: 100 }).toBuffer());
  // mixed/: a 2x3 and a 3x3 image
  await png('mixed/a/1.png', 3, 2, 1, gray);
  await png('mixed/b/1.png', 3, 3, 1, () => 7);
  // bad/: an empty class folder; corrupt/: a file that is not a PNG
  await png('bad/a/1.png', 3, 2, 1, gray);
  tmp.file('bad/b/.keep', '');
  tmp.file('corrupt/a/1.png', 'this is not a png');
});

describe('image folder import', () => {
  it('reads grayscale PNGs with sorted class names into the vec layout', async () => {
    const ds = await loadImageFolder(tmp.path('gray'));
    expect(ds.classNames).toEqual(['a-shoe', 'b-shirt']);
    expect(ds.shape).toEqual({ d: 1, a: 2, b: 3 });
    expect(Array.from(ds.labels)).toEqual([0, 0, 1]);
    expect(Array.from(ds.x.subarray(12, 18))).toEqual([1, 11, 2, 12, 3, 13]);
    expect(Array.from(ds.x.subarray(0, 6))).toEqual([101, 111, 102, 112, 103, 113]);
    expect(ds.rawRange).toEqual({ min: 0, max: 255 });
  });

  it('decodes RGB as 3 channels (gray images replicated) when any image has colour', async () => {
    const ds = await loadImageFolder(tmp.path('rgb'));
    expect(ds.shape).toEqual({ d: 3, a: 2, b: 2 });
    for (let c = 0; c < 3; c++) {
      for (let r = 0; r < 2; r++) {
        for (let k = 0; k < 2; k++) {
          expect(ds.x[vecIndex(ds.shape, c, r, k)]).toBe(50 * c + 10 * r + k);
          expect(Math.abs(ds.x[12 + vecIndex(ds.shape, c, r, k)] - 120)).toBeLessThanOrEqual(2);
        }
      }
    }
    const asGray = await loadImageFolder(tmp.path('rgb'), { channels: 1 });
    expect(asGray.shape.d).toBe(1);
  });

  it('rejects mixed sizes, naming both images and sizes', async () => {
    const message = await messageOf(() => loadImageFolder(tmp.path('mixed')));
    expect(message).toBe(
      `${tmp.path('mixed/b/1.png')}: mixed image sizes: this image is 3x3 (height x width) but ${tmp.path('mixed/a/1.png')} is 2x3; pass the resize option to scale every image to one size`,
    );
  });

  it('rejects images of another size than the expected input, or resizes them when asked', async () => {
    const message = await messageOf(() => loadImageFolder(tmp.path('gray'), { shape: { d: 1, a: 4, b: 4 } }));
    expect(message).toBe(
      `${tmp.path('gray/a-shoe/1.png')}: the image is 2x3 (height x width) but the expected input is 1x4x4 (channels x height x width); pass the resize option to scale every image to one size`,
    );
    const resized = await loadImageFolder(tmp.path('mixed'), { shape: { d: 1, a: 4, b: 4 }, resize: true });
    expect(resized.shape).toEqual({ d: 1, a: 4, b: 4 });
    expect(Array.from(resized.x.subarray(16, 32)).every((v) => v === 7)).toBe(true);
  });

  it('rejects empty class folders, corrupt images and folders without classes', async () => {
    expect(await messageOf(() => loadImageFolder(tmp.path('bad')))).toBe(`${tmp.path('bad/b')}: class folder 'b' holds no PNG or JPEG images`);
    expect(await messageOf(() => loadImageFolder(tmp.path('corrupt')))).toMatch(
      new RegExp(`^${tmp.path('corrupt/a/1.png')}: cannot be decoded as PNG or JPEG \\(`),
    );
    expect(await messageOf(() => loadImageFolder(tmp.path('gray/b-shirt')))).toBe(
      `${tmp.path('gray/b-shirt')}: has no class sub-folders (expected one sub-folder of images per class)`,
    );
  });
});
