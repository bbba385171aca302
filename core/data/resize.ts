/**
 * Scales every instance of an 8-bit dataset (IDX or CSV with values 0..255) to another height
 * and width with sharp, for the explicit resize option. Image folders resize while decoding.
 */
import sharp from 'sharp';
import type { Shape } from '../graph/shape.js';
import { formatShape, shapeSize } from '../graph/shape.js';
import { makeDataset, type Dataset } from './dataset.js';
import { fromVecLayoutToHwc, toVecLayout } from './layout.js';

export async function resizeDataset(dataset: Dataset, target: Shape): Promise<Dataset> {
  const from = dataset.shape;
  if (target.d !== from.d) {
    throw new Error(`${dataset.source}: images have ${from.d} channel(s) but the expected input ${formatShape(target)} has ${target.d}; resizing keeps the channels`);
  }
  if (dataset.rawRange.min !== 0 || dataset.rawRange.max !== 255 || dataset.preprocessing) {
    throw new Error(`${dataset.source}: resizing works on raw 8-bit values (0..255); this data has range ${dataset.rawRange.min}..${dataset.rawRange.max}${dataset.preprocessing ? ' and is already preprocessed' : ''}`);
  }
  const fromSize = shapeSize(from);
  const toSize = shapeSize(target);
  const x = new Float32Array(dataset.count * toSize);
  const pixels = new Uint8Array(fromSize);
  for (let n = 0; n < dataset.count; n++) {
    fromVecLayoutToHwc(dataset.x, n * fromSize, from, pixels, 0);
    const data = await sharp(pixels, { raw: { width: from.b, height: from.a, channels: from.d as 1 | 3 | 4 } })
      .resize(target.b, target.a, { fit: 'fill' })
      .raw()
      .toBuffer();
    toVecLayout(data, 0, target, 'hwc', x, n * toSize);
  }
  return makeDataset({
    shape: { ...target },
    x,
    labels: dataset.labels,
    classes: dataset.classes,
    classNames: dataset.classNames,
    source: `${dataset.source} resized from ${formatShape(from)} to ${formatShape(target)}`,
    rawRange: dataset.rawRange,
  });
}
