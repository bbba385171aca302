/**
 * Ctrl-C while training: the first asks the work to stop at a consistent point (a checkpoint),
 * a second aborts. Returns the function that removes the handler once the work is done.
 */
export function stopOnInterrupt(stderr: { write(s: string): unknown }, message: string, stop: () => void): () => void {
  const handler = () => {
    stderr.write(`\n${message} (Ctrl-C again to abort)\n`);
    stop();
    process.once('SIGINT', () => process.exit(130));
  };
  process.once('SIGINT', handler);
  return () => process.removeListener('SIGINT', handler);
}
