/** The worker-thread side of inspections: runs each task it is sent and answers with its id. */
import { parentPort } from 'node:worker_threads';
import { InspectionDataCache } from './inspectionData';
import { runInspectionTask, type InspectionTask } from './inspectionTasks';

const port = parentPort;
if (!port) throw new Error('inspectionWorker.ts must run in a worker thread');
const cache = new InspectionDataCache();

port.on('message', async ({ id, task }: { id: number; task: InspectionTask }) => {
  try {
    port.postMessage({ id, result: await runInspectionTask(cache, task) });
  } catch (e) {
    port.postMessage({ id, error: (e as Error).message });
  }
});
