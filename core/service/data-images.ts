/** Data as the UI draws it: raw instances as 0..255 images, and a source's preview with class counts. */
import type { DataImage, DataPreview, DataSpec } from '../api/contract';
import { classCounts, type Dataset } from '../data/dataset';
import { loadDataSource } from '../data/sources';

/** Instance i of raw (not preprocessed) data as a row-major image; grey, or RGB when d = 3. */
export function dataImage(data: Pick<Dataset, 'shape' | 'x' | 'labels' | 'rawRange'>, index: number): DataImage {
  const { d, a, b } = data.shape;
  const channels = d === 3 ? 3 : 1;
  const size = d * a * b;
  const { min, max } = data.rawRange;
  const scale = max > min ? 255 / (max - min) : 1;
  const pixels: number[] = new Array(a * b * channels);
  for (let r = 0; r < a; r++)
    for (let c = 0; c < b; c++)
      for (let ch = 0; ch < channels; ch++) {
        const v = data.x[index * size + ch + d * (r + a * c)];
        pixels[(r * b + c) * channels + ch] = Math.max(0, Math.min(255, Math.round((v - min) * scale)));
      }
  return { index, label: data.labels[index], width: b, height: a, channels, pixels };
}

export async function previewData(spec: DataSpec, count: number): Promise<DataPreview> {
  if (spec === undefined || spec === null || spec === '') throw new Error('previewData: name the data (sample, fashion-mnist, or a path)');
  const data = await loadDataSource(spec, { split: 'train' });
  const n = Math.max(0, Math.min(Math.floor(Number(count) || 0), 64, data.count));
  return {
    source: data.source,
    count: data.count,
    shape: data.shape,
    classes: data.classes,
    classNames: data.classNames ?? null,
    classCounts: classCounts(data),
    images: Array.from({ length: n }, (_, i) => dataImage(data, i)),
  };
}
