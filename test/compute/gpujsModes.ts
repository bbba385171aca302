/**
 * The gpujs backend in each gpu.js mode a Node test can run: headlessgl (GPU mode: textures kept
 * on the device, under Xvfb when there is no display; needs scripts/setup-gpu.sh) and webasm.
 * Suites run each one, so the GPU-mode code is exercised wherever gl is built, and a machine
 * without it shows the headlessgl suite as skipped with the reason.
 */
import type { BackendFactory } from '../../core/compute/backend';
import { gpujsModeFactory } from '../../core/compute/gpujs/gpujsBackend';
import { ensureDisplay } from '../../core/compute/gpujs/virtualDisplay';

export interface LabelledFactory extends BackendFactory {
  label: string;
}

export async function gpujsModeFactories(): Promise<LabelledFactory[]> {
  const display = await ensureDisplay();
  const headless = gpujsModeFactory('headlessgl');
  return [
    {
      ...headless,
      label: 'gpujs (headlessgl)',
      available: async () => (display.display ? headless.available() : { ok: false, reason: display.reason ?? 'no X display' }),
    },
    { ...gpujsModeFactory('webasm'), label: 'gpujs (webasm)' },
  ];
}
