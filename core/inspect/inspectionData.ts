/**
 * The instances an inspection looks at: a few from the training split of a data source,
 * preprocessed as the run that is inspected was (or with the default preprocessing fitted on the
 * data when there is no run), in the vec layout the engine reads.
 */
import { copyBatch, type Dataset } from '../data/dataset';
import { applyPreprocessing, checkPreprocessing, fitPreprocessing, type Preprocessing } from '../data/preprocessing';
import { loadDataSource, type DataSourceSpec } from '../data/sources';
import type { NetworkSpec } from '../graph/compile';
import { InspectionError } from './inspectionNetwork';
import type { UploadedImage } from '../api/lecture';

export interface InspectionBatch {
  x: Float32Array;
  labels: Int32Array;
  count: number;
  /** The indices in the training split. */
  indices: number[];
  classNames: string[] | null;
}

/** Loaded sources, by spec, so repeated inspections do not reload (and re-fingerprint) the files. */
export class InspectionDataCache {
  private readonly loaded = new Map<string, Promise<Dataset>>();

  async dataset(spec: DataSourceSpec, network: NetworkSpec): Promise<Dataset> {
    const key = `${JSON.stringify(spec)}|${network.input.d}x${network.input.a}x${network.input.b}|${network.classes}`;
    let pending = this.loaded.get(key);
    if (!pending) {
      pending = loadDataSource(spec, { split: 'train', expectShape: network.input, classes: network.classes });
      this.loaded.set(key, pending);
      pending.catch(() => this.loaded.delete(key));
    }
    return pending;
  }

  /** Instances `indices` of the source, preprocessed with `preprocessing` (fitted on the source when null). */
  async batch(spec: DataSourceSpec, network: NetworkSpec, indices: readonly number[], preprocessing: unknown | null): Promise<InspectionBatch> {
    const data = await this.dataset(spec, network);
    for (const i of indices)
      if (!Number.isInteger(i) || i < 0 || i >= data.count) throw new InspectionError(`sample ${i} is outside the ${data.count} training instances of ${data.source}`);
    const p: Preprocessing = preprocessing ? checkPreprocessing(preprocessing, 'the run\'s preprocessing', network.input) : this.defaultPreprocessing(data);
    const size = network.input.d * network.input.a * network.input.b;
    const x = new Float32Array(indices.length * size);
    const labels = new Int32Array(indices.length);
    copyBatch(data, indices, x, labels);
    applyPreprocessing(p, x);
    return { x, labels, count: indices.length, indices: [...indices], classNames: data.classNames ?? null };
  }

  /**
   * An uploaded image (DataImage's row-major, interleaved layout, raw 0..255) in the vec layout,
   * preprocessed like the source's instances (`preprocessing`, or the default fitted on the source).
   */
  async image(spec: DataSourceSpec, network: NetworkSpec, image: UploadedImage, preprocessing: unknown | null): Promise<InspectionBatch> {
    const { d, a, b } = network.input;
    const { width, height, channels, pixels, label } = image ?? ({} as UploadedImage);
    if (width !== b || height !== a || channels !== d)
      throw new InspectionError(`the uploaded image is ${height}x${width} with ${channels} channel(s); the network's input is ${a}x${b} with ${d}: resize it first`);
    if (!Array.isArray(pixels) || pixels.length !== a * b * d || !pixels.every((v) => typeof v === 'number' && Number.isFinite(v)))
      throw new InspectionError(`the uploaded image needs ${a * b * d} pixel values, got ${Array.isArray(pixels) ? pixels.length : typeof pixels}`);
    if (!Number.isInteger(label) || label < 0 || label >= network.classes) throw new InspectionError(`the uploaded image's label ${label} is not one of the ${network.classes} classes`);
    const x = new Float32Array(a * b * d);
    for (let r = 0; r < a; r++)
      for (let q = 0; q < b; q++) for (let c = 0; c < d; c++) x[c + d * (r + a * q)] = pixels[(r * width + q) * channels + c];
    const p: Preprocessing = preprocessing ? checkPreprocessing(preprocessing, "the run's preprocessing", network.input) : this.defaultPreprocessing(await this.dataset(spec, network));
    applyPreprocessing(p, x);
    return { x, labels: Int32Array.of(label), count: 1, indices: [-1], classNames: null };
  }

  private readonly fitted = new WeakMap<Dataset, Preprocessing>();
  private defaultPreprocessing(data: Dataset): Preprocessing {
    let p = this.fitted.get(data);
    if (!p) {
      p = fitPreprocessing(data, {});
      this.fitted.set(data, p);
    }
    return p;
  }
}
