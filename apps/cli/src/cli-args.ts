/** `--name value` and `--flag` options after a command name; positional arguments in order. */
export interface ParsedArgs {
  readonly command: string | undefined;
  readonly positional: readonly string[];
  readonly options: ReadonlyMap<string, string | true>;
}

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const [command, ...rest] = argv;
  const positional: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg.startsWith('--')) {
      const [name, inline] = arg.slice(2).split('=', 2);
      if (inline !== undefined) options.set(name, inline);
      else if (i + 1 < rest.length && !rest[i + 1].startsWith('--')) options.set(name, rest[++i]);
      else options.set(name, true);
    } else {
      positional.push(arg);
    }
  }
  return { command, positional, options };
}

export class UsageError extends Error {}

export function numberOption(args: ParsedArgs, name: string, fallback: number): number {
  const value = args.options.get(name);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (value === true || !Number.isFinite(parsed) || parsed <= 0) {
    throw new UsageError(`--${name} takes a positive number`);
  }
  return parsed;
}
