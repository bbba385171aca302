/** In the browser page: the gpujs backend in gpu.js's webgl2 mode only (the mode this page exists to prove). */
import { gpujsModeFactory } from '../../../core/compute/gpujs/gpujsBackend';
import type { LabelledFactory } from '../gpujsModes';

export async function gpujsModeFactories(): Promise<LabelledFactory[]> {
  return [{ ...gpujsModeFactory('webgl2'), label: 'gpujs (webgl2)' }];
}
