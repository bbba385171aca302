/**
 * The gpujs backend in each gpu.js mode a Node test can run: headlessgl (GPU mode: textures kept
 * on the device, under Xvfb when there is no display; needs scripts/setup-gpu.sh) and webasm.
 * Suites run each one, so the GPU-mode code is exercised wherever gl is built, and a machine
 * without it shows the headlessgl suite as skipped with the reason (failed instead under CNNWB_REQUIRE_GL=1).
 */
import type { BackendFactory } from '../../core/compute/backend';
import { gpujsModeFactory } from '../../core/compute/gpujs/gpujsBackend';
import type { GpujsMode } from '../../core/compute/gpujs/gpujsMode';
import { ensureDisplay } from '../../core/compute/gpujs/virtualDisplay';

export interface LabelledFactory extends BackendFactory {
  label: string;
  mode?: () => GpujsMode;
}

export async function gpujsModeFactories(): Promise<LabelledFactory[]> {
  const display = await ensureDisplay();
  const headless = gpujsModeFactory('headlessgl');
  const status = display.display ? await headless.available() : { ok: false as const, reason: display.reason ?? 'no X display' };
  // CI (CNNWB_REQUIRE_GL=1, set by .ci/run after scripts/setup-gpu.sh) must run these, not skip them.
  const required = process.env.CNNWB_REQUIRE_GL === '1';
  const refuse = (reason: string) => {
    throw new Error(`CNNWB_REQUIRE_GL=1 but headlessgl cannot run: ${reason}`);
  };
  return [
    {
      ...headless,
      label: 'gpujs (headlessgl)',
      mode: () => (status.ok ? headless.mode() : refuse(status.reason)),
      available: async () => (status.ok || !required ? status : { ok: true }),
      create: async () => (status.ok ? headless.create() : refuse(status.reason)),
    },
    { ...gpujsModeFactory('webasm'), label: 'gpujs (webasm)' },
  ];
}
