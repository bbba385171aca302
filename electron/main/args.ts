/** Command-line options of the app: `--db PATH` names the workspace file. */
export function parseAppArgs(argv: readonly string[]): { db: string | null } {
  let db: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--db') {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) throw new Error('--db needs a file path');
      db = v;
      i++;
    } else if (a.startsWith('--db=')) db = a.slice('--db='.length);
  }
  return { db };
}
