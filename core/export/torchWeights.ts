/**
 * Weights for the exported PyTorch script, in a form torch reads without extra packages: a JSON
 * manifest and one file of little-endian float32 values. Each tensor is named by its state_dict
 * key and already in PyTorch's layout (Conv2d weight OIHW, Linear weight units x inputs in the
 * NCHW-flatten order of torch.flatten), so the script only copies values.
 *
 *   { "format": "cnnwb-torch-weights", "version": 1, "dtype": "float32", "byteOrder": "little",
 *     "data": "weights.bin", "preprocessing": true,
 *     "tensors": [ { "name": "conv1.weight", "shape": [32, 1, 5, 5], "offset": 0, "count": 800 }, ... ] }
 *
 * offset and count are in values (not bytes). With "preprocessing": true the manifest also holds
 * preprocess.offset / .scale / .mean / .std, the buffers of the script's Preprocess module.
 */
import { checkPreprocessing } from '../data/preprocessing';
import type { LayerSpec } from '../graph/compile';
import type { LoadedModel } from '../model/modelFile';
import { convWeightToOihw, fcWeightToNchwRows, vecToNchw } from './layout';
import { float32Bytes } from './onnxBuilder';

export const TORCH_WEIGHTS_FORMAT = 'cnnwb-torch-weights';

export interface TorchTensorEntry {
  name: string;
  shape: number[];
  offset: number;
  count: number;
}

export interface TorchWeightsManifest {
  format: typeof TORCH_WEIGHTS_FORMAT;
  version: 1;
  dtype: 'float32';
  byteOrder: 'little';
  data: string;
  preprocessing: boolean;
  tensors: TorchTensorEntry[];
}

/** How the script names a layer's module: the node id made a Python identifier (see pythonNames). */
export type ModuleNames = ReadonlyMap<string, string>;

/** The tensors of a model in PyTorch layout, named as in the script's state_dict. */
export function torchTensors(loaded: LoadedModel, modules: ModuleNames): { name: string; shape: number[]; values: ArrayLike<number> }[] {
  const out: { name: string; shape: number[]; values: ArrayLike<number> }[] = [];
  const param = (layer: LayerSpec, name: 'W' | 'b') => loaded.parameters.find((p) => p.layerId === layer.nodeId && p.name === name)!.values;
  for (const layer of loaded.spec.layers) {
    const module = modules.get(layer.nodeId)!;
    if (layer.kind === 'conv') {
      const { filters, size } = layer;
      const d = layer.inShape.d;
      out.push({ name: `${module}.weight`, shape: [filters, d, size, size], values: convWeightToOihw(param(layer, 'W'), filters, d, size) });
      out.push({ name: `${module}.bias`, shape: [filters], values: param(layer, 'b') });
    } else if (layer.kind === 'fc') {
      const K = layer.inShape.d * layer.inShape.a * layer.inShape.b;
      out.push({ name: `${module}.weight`, shape: [layer.units, K], values: fcWeightToNchwRows(param(layer, 'W'), layer.units, layer.inShape) });
      out.push({ name: `${module}.bias`, shape: [layer.units], values: param(layer, 'b') });
    }
  }
  const raw = loaded.model.preprocessing;
  if (raw !== undefined && raw !== null) {
    const p = checkPreprocessing(raw, 'model.preprocessing');
    const { d, a, b } = p.shape;
    const perPixel = p.mean === 'per-pixel';
    const dims = perPixel ? [1, d, a, b] : [1, d, 1, 1];
    const size = dims.reduce((n, v) => n * v, 1);
    const grouped = (values: number[], fill: number) => (values.length === 0 ? new Array<number>(size).fill(fill) : perPixel ? vecToNchw(values, p.shape, 1) : values);
    out.push({ name: 'preprocess.offset', shape: [], values: [p.offset] });
    out.push({ name: 'preprocess.scale', shape: [], values: [p.scale] });
    out.push({ name: 'preprocess.mean', shape: dims, values: grouped(p.meanValues, 0) });
    out.push({ name: 'preprocess.std', shape: dims, values: grouped(p.standardize ? p.stdValues : [], 1) });
  }
  return out;
}

/** The manifest (JSON text) and the float32 data of a model's weights. */
export function torchWeightFiles(loaded: LoadedModel, modules: ModuleNames, dataFile = 'weights.bin'): { manifest: string; data: Uint8Array } {
  const tensors = torchTensors(loaded, modules);
  const entries: TorchTensorEntry[] = [];
  let offset = 0;
  for (const t of tensors) {
    entries.push({ name: t.name, shape: t.shape, offset, count: t.values.length });
    offset += t.values.length;
  }
  const all = new Float64Array(offset);
  tensors.forEach((t, i) => all.set(Array.from(t.values), entries[i].offset));
  const manifest: TorchWeightsManifest = {
    format: TORCH_WEIGHTS_FORMAT,
    version: 1,
    dtype: 'float32',
    byteOrder: 'little',
    data: dataFile,
    preprocessing: tensors.some((t) => t.name.startsWith('preprocess.')),
    tensors: entries,
  };
  return { manifest: JSON.stringify(manifest, null, 1) + '\n', data: float32Bytes(all) };
}
