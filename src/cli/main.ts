import 'reflect-metadata';
import type { Logger } from 'pino';
import { ConfigError, loadConfig } from '../config/app-config';
import { parseArgs } from './cli-args';
import type { CliDatabase } from './cli-database';
import { CliError } from './cli-error';
import { createCliLogger } from './cli-logger';
import { COMMANDS, NOT_YET_AVAILABLE, type CommandEnv } from './commands';
import { USAGE } from './usage';

/**
 * `npm run smartpay -- <command>`: the result as JSON on stdout, nothing else there; errors on stderr.
 * Exit status: 0 done, 1 failed or wrong usage, 2 not available yet.
 */
async function run(argv: readonly string[]): Promise<number> {
  if (argv[0] === 'help' || argv.includes('--help') || argv.includes('-h')) {
    process.stderr.write(USAGE);
    return 0;
  }
  const args = parseArgs(argv);
  const name = args.command;
  if (name !== undefined && NOT_YET_AVAILABLE.has(name)) {
    throw new CliError(`${name} is not available yet: it arrives with the reconciliation and background jobs capability`, 2);
  }
  const command = name === undefined ? undefined : COMMANDS[name];
  if (!command) {
    process.stderr.write(`${name === undefined ? 'no command given' : `unknown command "${name}"`}\n\n${USAGE}`);
    return 1;
  }
  const config = loadConfig();
  const logger = createCliLogger(config).child({ command: name });
  const result = await command(args, commandEnv(config, logger));
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  return 0;
}

function commandEnv(config: CommandEnv['config'], logger: Logger): CommandEnv {
  return {
    config,
    logger,
    withDatabase: async (work, options) => {
      // Loaded on demand: usage and argument errors answer without loading the ORM and drivers.
      const db: CliDatabase = await (await import('./cli-database')).CliDatabase.open(config, logger);
      try {
        if (!options?.migrating) await db.requireSchema();
        return await db.inContext(() => work(db));
      } finally {
        await db.close();
      }
    },
  };
}

function report(err: unknown): number {
  if (err instanceof CliError) {
    process.stderr.write(`smartpay: ${err.message}\n`);
    return err.exitCode;
  }
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    return 1;
  }
  process.stderr.write(`smartpay: failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return 1;
}

void run(process.argv.slice(2))
  .catch(report)
  .then((code) => {
    process.exitCode = code;
    // Everything is closed by now; should a stray handle remain, it must not keep a script waiting.
    setTimeout(() => process.exit(code), 2_000).unref();
  });
