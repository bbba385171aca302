export interface HostArgs {
  db: string | null;
  port: number;
  rendererFolder: string | null;
}

/** `--db PATH` (workspace file), `--port N` (0: any free port), `--renderer DIR` (built renderer). */
export function parseHostArgs(argv: readonly string[]): HostArgs {
  const args: HostArgs = { db: null, port: 0, rendererFolder: null };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '' || (inline === undefined && v.startsWith('--'))) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--db') args.db = value();
    else if (flag === '--port') {
      const v = value();
      const port = Number(v);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: expected a port number 0-65535, got "${v}"`);
      args.port = port;
    } else if (flag === '--renderer') args.rendererFolder = value();
    else throw new Error(`unknown option ${argv[i]} (options: --db PATH, --port N, --renderer DIR)`);
  }
  return args;
}
