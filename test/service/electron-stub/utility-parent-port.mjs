// Loaded (--import) into the stand-in's utility process: the `process.parentPort` Electron gives a
// utilityProcess child, messages wrapped in {data}, over the fork's IPC channel.
import { EventEmitter } from 'node:events';

const port = new EventEmitter();
port.postMessage = (message) => process.send(message);
process.on('message', (data) => port.emit('message', { data }));
process.parentPort = port;
process.on('disconnect', () => process.exit(0)); // Electron ends a utility process with its parent
