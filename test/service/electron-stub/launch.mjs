// Starts the BUILT Electron main (out/main/index.js) against the stand-in `electron` module, in
// this Node process, and waits until it has opened its window or exited.
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';

register('./hooks.mjs', import.meta.url);

export const APP_PAGE = 'app://workbench/index.html';

export async function launchMain(mainPath, args) {
  process.argv = [process.argv[0], mainPath, ...args];
  await import(pathToFileURL(mainPath).href);
  const stub = globalThis.__electronStub;
  for (let i = 0; i < 1200 && stub.windows.length === 0 && stub.exitCode === null; i++) await new Promise((r) => setTimeout(r, 25));
  return stub;
}

/** Calls an IPC handler as a frame at `url` would (the top frame unless `parent`). */
export async function call(stub, url, name, args, parent = null) {
  try {
    return { result: await stub.handlers.get(`workbench:call:${name}`)({ senderFrame: { url, parent } }, args) };
  } catch (e) {
    return { error: e.message };
  }
}

export async function until(check, what, ms = 60_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
