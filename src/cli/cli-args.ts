import { CliError } from './cli-error';

export interface ParsedArgs {
  command: string | undefined;
  positionals: string[];
  options: Map<string, string>;
}

/** `--name value` and `--name=value` options (each takes a value); everything else is positional. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const [command, ...rest] = argv;
  const positionals: string[] = [];
  const options = new Map<string, string>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const value = eq === -1 ? rest[++i] : arg.slice(eq + 1);
    if (!name || value === undefined) throw new CliError(`option --${name} needs a value`);
    options.set(name, value);
  }
  return { command, positionals, options };
}

/** Exactly the named positionals and no unknown options, or a usage error. */
export function expectArgs(args: ParsedArgs, names: string[], allowedOptions: string[] = []): string[] {
  const usage = [args.command, ...names.map((n) => `<${n}>`)].join(' ');
  if (args.positionals.length !== names.length) throw new CliError(`usage: ${usage} (run "help" for all commands)`);
  for (const name of args.options.keys()) {
    if (!allowedOptions.includes(name)) throw new CliError(`unknown option --${name} for ${args.command}`);
  }
  return args.positionals;
}
