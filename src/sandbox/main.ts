/**
 * `npm run sandbox`: the gateway, Postmark, Web Push and SUNAT simulators as a standalone process (benchmarks, crash tests, several SmartPay
 * instances sharing one "gateway"). Prints the GET /v1/sandbox description as JSON on stdout and runs until
 * SIGTERM/SIGINT. Settings (all optional): SANDBOX_HOST, SANDBOX_CONTROL_PORT (4010), SANDBOX_CULQI_PORT,
 * SANDBOX_MERCADOPAGO_PORT, SANDBOX_CULQI_PUBLIC_KEY, SANDBOX_CULQI_SECRET_KEY, SANDBOX_MERCADOPAGO_PUBLIC_KEY,
 * SANDBOX_MERCADOPAGO_ACCESS_TOKEN, SANDBOX_MERCADOPAGO_WEBHOOK_SECRET, SANDBOX_LATENCY_MS,
 * SANDBOX_CULQI_WEBHOOK_URL, SANDBOX_CULQI_WEBHOOK_USER, SANDBOX_CULQI_WEBHOOK_PASSWORD, SANDBOX_POSTMARK_PORT,
 * SANDBOX_POSTMARK_SERVER_TOKEN (default pm-sandbox-<uuid>), SANDBOX_POSTMARK_WEBHOOK_URL (Delivery, Bounce and
 * SpamComplaint webhooks), SANDBOX_POSTMARK_WEBHOOK_USER, SANDBOX_POSTMARK_WEBHOOK_PASSWORD (their Basic auth),
 * SANDBOX_PUSH_PORT (the Web Push service, HTTPS with a certificate made at start: the printed `push.ca`),
 * SANDBOX_SUNAT_PORT, SANDBOX_SUNAT_USER (SOL user, default MODDATOS; RUC + user for one RUC only),
 * SANDBOX_SUNAT_PASSWORD (default moddatos), SANDBOX_SUNAT_SCHEMA_VALIDATION (`off` skips the XSD check).
 */
import express from 'express';
import type { Server } from 'node:http';
import { createSandboxControlRouter } from './control-router';
import { Sandbox } from './sandbox';

function port(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 65_535) throw new Error(`${name} must be a port number (0–65535), got "${text}"`);
  return value;
}

function optional(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
}

async function main(): Promise<void> {
  const host = optional('SANDBOX_HOST') ?? '127.0.0.1';
  const latency = port('SANDBOX_LATENCY_MS', 0);
  const sandbox = new Sandbox({
    host,
    culqiPort: port('SANDBOX_CULQI_PORT', 0),
    mercadopagoPort: port('SANDBOX_MERCADOPAGO_PORT', 0),
    postmarkPort: port('SANDBOX_POSTMARK_PORT', 0),
    pushPort: port('SANDBOX_PUSH_PORT', 0),
    sunatPort: port('SANDBOX_SUNAT_PORT', 0),
    sunatUser: optional('SANDBOX_SUNAT_USER'),
    sunatPassword: optional('SANDBOX_SUNAT_PASSWORD'),
    sunatSchemaValidation: optional('SANDBOX_SUNAT_SCHEMA_VALIDATION') !== 'off',
    culqiPublicKey: optional('SANDBOX_CULQI_PUBLIC_KEY'),
    culqiSecretKey: optional('SANDBOX_CULQI_SECRET_KEY'),
    mercadopagoPublicKey: optional('SANDBOX_MERCADOPAGO_PUBLIC_KEY'),
    mercadopagoAccessToken: optional('SANDBOX_MERCADOPAGO_ACCESS_TOKEN'),
    mercadopagoWebhookSecret: optional('SANDBOX_MERCADOPAGO_WEBHOOK_SECRET'),
    culqiWebhookUrl: optional('SANDBOX_CULQI_WEBHOOK_URL'),
    culqiWebhookUser: optional('SANDBOX_CULQI_WEBHOOK_USER'),
    culqiWebhookPassword: optional('SANDBOX_CULQI_WEBHOOK_PASSWORD'),
    postmarkServerToken: optional('SANDBOX_POSTMARK_SERVER_TOKEN'),
    postmarkWebhookUrl: optional('SANDBOX_POSTMARK_WEBHOOK_URL'),
    postmarkWebhookUser: optional('SANDBOX_POSTMARK_WEBHOOK_USER'),
    postmarkWebhookPassword: optional('SANDBOX_POSTMARK_WEBHOOK_PASSWORD'),
    latencyMs: latency,
  });
  await sandbox.start();

  const app = express();
  app.disable('x-powered-by');
  app.use('/sandbox', createSandboxControlRouter(sandbox));
  const control: Server = await new Promise((resolve, reject) => {
    const server = app.listen(port('SANDBOX_CONTROL_PORT', 4010), host, (err?: Error) => (err ? reject(err) : resolve(server)));
  });
  const address = control.address();
  const controlPort = address && typeof address === 'object' ? address.port : 0;
  sandbox.setControlUrl(`http://${host}:${controlPort}/sandbox`);
  process.stdout.write(`${JSON.stringify(sandbox.describe(), null, 2)}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`sandbox: ${signal} received, closing\n`);
    control.closeAllConnections();
    control.close();
    sandbox
      .close()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        console.error(err);
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error('sandbox failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
