#!/usr/bin/env node
// The cnnwb command line: runs cli/main.ts through tsx's loader (no separate build step).
import { register } from 'tsx/esm/api';

// A closed pipe (cnnwb grad ... | head) is not an error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
