/**
 * The worker side of a training run (a worker thread, or a process of its own: trainingHost.ts):
 * prepares it from the request, runs the trainer and posts every event to whoever started it,
 * which stays free (a UI never freezes).
 */
import { hostPort } from '../workers/hostPort';
import type { TrainingEvent } from './events';
import { prepareTraining, type TrainingRequest } from './prepare';
import type { Trainer } from './trainer';
import type { WorkerToParent, ParentToWorker } from './trainingMessages';

const port = hostPort();

let trainer: Trainer | null = null;
let pending: 'pause' | 'stop' | null = null;
const post = (message: WorkerToParent) => port.post(message);

async function start(request: TrainingRequest): Promise<void> {
  try {
    const prepared = await prepareTraining(request, (event: TrainingEvent) => post({ type: 'event', event }));
    trainer = prepared.trainer;
    post({
      type: 'prepared',
      info: {
        config: prepared.config,
        preprocessing: prepared.preprocessing,
        dataFingerprint: prepared.dataFingerprint,
        dataSource: prepared.dataSource,
        backend: prepared.backend.name,
        backendDescription: prepared.backend.description,
      },
    });
    if (pending === 'pause') trainer.pause();
    if (pending === 'stop') trainer.stop();
    const outcome = await trainer.run();
    const finalParameters = prepared.network.getParameters().map((p) => ({ layerId: p.layerId, name: p.name, values: Array.from(p.values) }));
    prepared.backend.dispose();
    post({ type: 'done', outcome, finalParameters });
  } catch (e) {
    post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
}

port.onMessage((received) => {
  const message = received as ParentToWorker;
  switch (message.type) {
    case 'start':
      void start(message.request);
      break;
    case 'pause':
      if (trainer) trainer.pause();
      else pending = 'pause';
      break;
    case 'resume':
      if (trainer) trainer.resume();
      else pending = null;
      break;
    case 'stop':
      if (trainer) trainer.stop();
      else pending = 'stop';
      break;
  }
});
