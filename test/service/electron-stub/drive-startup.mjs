// node drive-startup.mjs <out/main/index.js> <workspace.db>: starts the built Electron main on the
// stand-in and reports whether it opened a window or gave up, and with what message.
import { launchMain } from './launch.mjs';

const [mainPath, db] = process.argv.slice(2);
const stub = await launchMain(mainPath, ['--db', db]);
console.log(JSON.stringify({ windows: stub.windows.length, loaded: stub.loaded, exitCode: stub.exitCode, errors: stub.errors, utilityForks: stub.utilityForks.map((f) => f.script) }));
process.exit(0);
