/** The registry the WebGL2 page sees: none of the Node backends; gpujs comes from gpujsModes.ts. */
import type { BackendFactory } from '../../../core/compute/backend';

export const BACKEND_FACTORIES: readonly BackendFactory[] = [];
