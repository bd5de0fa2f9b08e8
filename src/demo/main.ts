import type { AddressInfo } from 'node:net';
import { randomBase62 } from '../common/secrets';
import { ConfigError, loadConfig } from '../config/app-config';
import { checkDatabase } from '../config/database-check';

/**
 * `npm run seed:demo`: fills the database `npm start` uses (DATABASE_URL, else ./data/smartpay.db) with a
 * demo tenant and the dashboard's demo admins, then prints how to sign in. Sandbox mode only: it pays
 * through the local simulators.
 */
async function main(): Promise<void> {
  const config = loadConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  if (!config.sandbox.enabled) throw new ConfigError(['SMARTPAY_SANDBOX: seed:demo pays through the local sandboxes: run it in sandbox mode (no gateway credentials), never in production']);
  await checkDatabase(config.database);
  const { createApp } = await import('../app.factory');
  const { seedDemo } = await import('./seed-demo');
  const { app } = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const password = process.env.SMARTPAY_DEMO_PASSWORD ?? randomBase62(16);
  process.stdout.write('Seeding the demo…\n');
  const demo = await seedDemo(app, `http://127.0.0.1:${port}`, {
    admins: [
      { email: 'admin@smartpay.demo', password, role: 'admin' },
      { email: 'viewer@smartpay.demo', password, role: 'viewer' },
    ],
    say: (line) => process.stdout.write(`${line}\n`),
  });
  await app.close();
  process.stdout.write(
    [
      '',
      `Demo app ${demo.appId} ("Bodega Demo"), sandbox API key: ${demo.apiKey}`,
      `Dashboard: npm start, then http://localhost:${config.port}/admin`,
      `  admin@smartpay.demo / viewer@smartpay.demo, password: ${password}`,
      '',
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
  else process.stderr.write(`seed:demo failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
