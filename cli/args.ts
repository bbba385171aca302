import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './io';

type Options = NonNullable<ParseArgsConfig['options']>;

/** A number as a flag's value may start with a minus sign: `--lr -1` means `--lr=-1`, so the range check can name it. */
const NEGATIVE_NUMBER = /^-(\d|\.\d|Infinity)/;

/**
 * node:util parseArgs with every mistake as a CliError naming the flag, in one line:
 * a missing value, a value given to a switch, an unknown option.
 */
export function parseCommandArgs<T extends Options>(argv: readonly string[], options: T, allowPositionals = true) {
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith('--') ? argv[i].slice(2) : null;
    if (name !== null && options[name]?.type === 'string' && NEGATIVE_NUMBER.test(argv[i + 1] ?? '')) args.push(`${argv[i]}=${argv[++i]}`);
    else args.push(argv[i]);
  }
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (!code.startsWith('ERR_PARSE_ARGS_')) throw e;
    const message = (e as Error).message;
    const flag = /'(-[^' ]+)/.exec(message)?.[1] ?? '';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new CliError(flag, 'unknown option (--help lists the options)');
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new CliError(/'([^']*)'/.exec(message)?.[1] ?? 'argument', 'unexpected argument (--help shows the usage)');
    if (/does not take an argument/.test(message)) throw new CliError(flag, 'takes no value');
    throw new CliError(flag, 'needs a value');
  }
}
