/** A host path as the service will use it: absolute as given, a relative one joined to the service's working folder. */
export function resolveHostPath(path: string, workingFolder: string): string {
  const trimmed = path.trim();
  const windows = /^[A-Za-z]:[\\/]/.test(workingFolder) || workingFolder.startsWith('\\\\');
  if (trimmed.startsWith('/') || /^[A-Za-z]:[\\/]/.test(trimmed) || trimmed.startsWith('\\\\')) return trimmed;
  const sep = windows ? '\\' : '/';
  const parts = `${workingFolder}${sep}${trimmed}`.split(/[\\/]+/);
  const out: string[] = [];
  for (const part of parts) {
    if (part === '.') continue;
    if (part === '..' && out.length > 1) out.pop();
    else out.push(part);
  }
  return out.join(sep) || sep;
}

/** Under a path field: the absolute path a relative entry will be read from or written to. */
export function ResolvedPath({ path, workingFolder, verb }: { path: string; workingFolder: string | undefined; verb: string }) {
  if (!path.trim() || workingFolder === undefined) return null;
  return (
    <p className="resolved-path" aria-label="Resolved path">
      {verb} <code>{resolveHostPath(path, workingFolder)}</code>
    </p>
  );
}
