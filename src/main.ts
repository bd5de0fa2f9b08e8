import { ConfigError, loadConfig } from './config/app-config';
import { createApp } from './app.factory';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const { app, logger } = await createApp(config);
  await app.listen(config.port, config.host);
  const url = await app.getUrl();
  logger.info({ url, database: config.database.kind, sandbox: config.sandbox.enabled }, 'SmartPay listening');
  process.stdout.write(`SmartPay listening on http://localhost:${config.port} (docs: /docs, health: /health/ready)\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`SmartPay failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
