/** The WebGL2 page's entry: collect the conformance suite through the vitest shim, run it, publish the results. */
import { detectGpujsMode } from '../../../core/compute/gpujs/gpujsMode';
import { runCollected } from './vitestShim';
import '../conformance.test';

const w = window as unknown as { conformance?: unknown };
try {
  const mode = detectGpujsMode('webgl2');
  const results = await runCollected();
  w.conformance = { mode, results };
} catch (error) {
  w.conformance = { error: (error as Error).message };
}
