import type { INestApplication } from '@nestjs/common';
import type { Logger } from 'pino';
import { ConfigError, loadConfig } from './config/app-config';
import { checkDatabase } from './config/database-check';

async function main(): Promise<void> {
  const config = loadConfig();
  await checkDatabase(config.database);
  // Loaded only once the configuration holds, so a configuration mistake is reported at once.
  const { createApp } = await import('./app.factory');
  const { app, logger } = await createApp(config);
  exitCleanlyOnSignals(app, logger);
  await app.listen(config.port, config.host);
  const url = await app.getUrl();
  logger.info({ url, database: config.database.kind, sandbox: config.sandbox.enabled }, 'SmartPay listening');
  process.stdout.write(`SmartPay listening on http://localhost:${config.port} (docs: /docs, health: /health/ready)\n`);
}

/**
 * SIGTERM/SIGINT close the app (HTTP server, scheduled tasks, sandbox, database) and exit with status 0.
 * A close that hangs must not keep a stopping container alive: after 10 s the process exits 1.
 */
function exitCleanlyOnSignals(app: INestApplication, logger: Logger): void {
  let closing = false;
  const finish = (code: number): void => {
    logger.info({ code }, 'SmartPay stopped');
    logger.flush();
    process.exit(code);
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => finish(1), 10_000).unref();
    app.close().then(
      () => finish(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        finish(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

main().catch((err: unknown) => {
  // Configuration mistakes get their message (naming the variable), not a stack trace.
  if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
  else process.stderr.write(`SmartPay failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
