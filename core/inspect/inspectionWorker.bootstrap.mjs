// Entry of the inspection worker thread: registers tsx's loader in this thread (loaders are per
// thread), then loads the TypeScript worker. Messages sent meanwhile wait in the port's queue.
import { register } from 'tsx/esm/api';

register();
await import('./inspectionWorker.ts');
