/**
 * A competitor for the busy-core measurement: a separate process that spins on one core for as
 * long as it runs (the bench starts it, measures, and stops it).
 */
import { spawn, type ChildProcess } from 'node:child_process';

export function startSpinner(): ChildProcess {
  const spinner = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
  const stop = () => spinner.kill('SIGKILL');
  process.once('exit', stop);
  spinner.once('exit', () => process.removeListener('exit', stop));
  return spinner;
}
