/**
 * The processes of the crash suite: the standalone gateway sandbox (one process for the whole run,
 * so it outlives every SmartPay death and keeps the gateways' truth), and the compiled SmartPay
 * server, started, SIGKILLed and restarted on one database and one port.
 */
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { randomBase62 } from '../../src/common/secrets';
import { freePort, run, Running, shellEnv } from '../support/child-process';
import { LOG_DIR, recordSecret } from '../support/test-env';

const ROOT = resolve(__dirname, '..', '..');
const READY_WITHIN_MS = 30_000;

export interface SandboxDescription {
  culqi: { base_url: string; secure_url: string; public_key: string; secret_key: string };
  mercadopago: { base_url: string; public_key: string; access_token: string; webhook_secret: string };
  postmark: { base_url: string; server_token: string };
  sunat: { base_url: string; bill_service_url?: string };
  control_url: string;
}

/** A message the Postmark simulator accepted. */
export interface PostmarkMessage {
  MessageID: string;
  To: string;
  Tag: string | null;
  Metadata: Record<string, string>;
}

export type Gateway = 'culqi' | 'mercadopago';
export type FaultMode = 'down' | 'timeout' | 'http_500' | 'latency' | 'reset';
export type Simulator = Gateway | 'postmark';

/** Credentials chosen by the suite (not the sandbox's random ones), recorded for the log leak check. */
export interface GatewayCredentials {
  culqiPublicKey: string;
  culqiSecretKey: string;
  culqiWebhookUser: string;
  culqiWebhookPassword: string;
  mpPublicKey: string;
  mpAccessToken: string;
  mpWebhookSecret: string;
  /** SMARTPAY_ENCRYPTION_KEY (production requires one). */
  encryptionKey: string;
  postmarkServerToken: string;
  postmarkWebhookUser: string;
  postmarkWebhookPassword: string;
}

export function newGatewayCredentials(): GatewayCredentials {
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 10)).join('');
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  const credentials: GatewayCredentials = {
    culqiPublicKey: `pk_test_${randomBase62(16)}`,
    // 16 characters, as Culqi's test keys: the leak check flags anything shaped like a 32+ SmartPay key.
    culqiSecretKey: `sk_test_${randomBase62(16)}`,
    culqiWebhookUser: `culqi-hook-${randomBase62(6)}`,
    culqiWebhookPassword: randomBase62(24),
    mpPublicKey: `TEST-${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`,
    mpAccessToken: `TEST-${digits(16)}-${digits(6)}-${hex(32)}-${digits(9)}`,
    mpWebhookSecret: hex(64),
    encryptionKey: randomBytes(32).toString('hex'),
    postmarkServerToken: `pm-crash-${randomBase62(24)}`,
    postmarkWebhookUser: `postmark-hook-${randomBase62(6)}`,
    postmarkWebhookPassword: randomBase62(24),
  };
  for (const secret of [credentials.culqiSecretKey, credentials.culqiWebhookPassword, credentials.mpAccessToken, credentials.mpWebhookSecret, credentials.encryptionKey, credentials.postmarkServerToken, credentials.postmarkWebhookPassword]) {
    recordSecret(secret);
  }
  return credentials;
}

/** `node dist/sandbox/main.js` on loopback, its description read from the JSON it prints. */
export class StandaloneSandbox {
  private constructor(
    private readonly process: Running,
    readonly info: SandboxDescription,
  ) {}

  static async start(credentials: GatewayCredentials, smartPayPort: number): Promise<StandaloneSandbox> {
    const env = shellEnv({
      SANDBOX_HOST: '127.0.0.1',
      SANDBOX_CONTROL_PORT: '0',
      // A gateway is never instantaneous: 100 ms per call keeps charges in flight long enough for
      // random kills to land between SmartPay's two commits, not only in its idle moments.
      SANDBOX_LATENCY_MS: '100',
      SANDBOX_CULQI_PUBLIC_KEY: credentials.culqiPublicKey,
      SANDBOX_CULQI_SECRET_KEY: credentials.culqiSecretKey,
      SANDBOX_MERCADOPAGO_PUBLIC_KEY: credentials.mpPublicKey,
      SANDBOX_MERCADOPAGO_ACCESS_TOKEN: credentials.mpAccessToken,
      SANDBOX_MERCADOPAGO_WEBHOOK_SECRET: credentials.mpWebhookSecret,
      // Culqi has one webhook URL per account: SmartPay's inbox, with Basic credentials. Deliveries
      // that meet a dead SmartPay are retried by the sandbox a few times, then dropped (as Culqi does).
      SANDBOX_CULQI_WEBHOOK_URL: `http://127.0.0.1:${smartPayPort}/webhooks/culqi`,
      SANDBOX_CULQI_WEBHOOK_USER: credentials.culqiWebhookUser,
      SANDBOX_CULQI_WEBHOOK_PASSWORD: credentials.culqiWebhookPassword,
      // Postmark's Delivery/Bounce webhooks, with the Basic credentials SmartPay checks.
      SANDBOX_POSTMARK_SERVER_TOKEN: credentials.postmarkServerToken,
      // The XSD check of every document (0.3 s of CPU each) is covered by the invoice suites; here it would only
      // take the cores the kills and the settle bound are measured on.
      SANDBOX_SUNAT_SCHEMA_VALIDATION: 'off',
      SANDBOX_POSTMARK_WEBHOOK_URL: `http://127.0.0.1:${smartPayPort}/webhooks/postmark`,
      SANDBOX_POSTMARK_WEBHOOK_USER: credentials.postmarkWebhookUser,
      SANDBOX_POSTMARK_WEBHOOK_PASSWORD: credentials.postmarkWebhookPassword,
    });
    const sandbox = Running.start(process.execPath, ['dist/sandbox/main.js'], { cwd: ROOT, env });
    await sandbox.waitForStdout(/^\}$/m, 15_000);
    const info = JSON.parse(sandbox.stdout.slice(0, sandbox.stdout.search(/^\}$/m) + 1)) as SandboxDescription;
    if (info.culqi.secret_key !== credentials.culqiSecretKey || info.mercadopago.access_token !== credentials.mpAccessToken) {
      throw new Error('the sandbox did not take the credentials it was given');
    }
    return new StandaloneSandbox(sandbox, info);
  }

  async fault(gateway: Simulator, mode: FaultMode, options: { latencyMs?: number; count?: number } = {}): Promise<void> {
    const body = { mode, ...(options.latencyMs !== undefined ? { latency_ms: options.latencyMs } : {}), ...(options.count !== undefined ? { count: options.count } : {}) };
    const res = await fetch(`${this.info.control_url}/${gateway}/_faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status !== 200) throw new Error(`sandbox fault ${JSON.stringify(body)} → ${res.status} ${await res.text()}`);
  }

  async clearFaults(): Promise<void> {
    for (const simulator of ['culqi', 'mercadopago', 'postmark'] as const) await fetch(`${this.info.control_url}/${simulator}/_faults`, { method: 'DELETE' });
  }

  /** Every charge the Culqi simulator holds (declined ones included). */
  async culqiCharges(): Promise<Record<string, unknown>[]> {
    const res = await fetch(`${this.info.control_url}/culqi/_charges`);
    return ((await res.json()) as { data: Record<string, unknown>[] }).data;
  }

  /** Every message the Postmark simulator accepted, newest first. */
  async postmarkMessages(): Promise<PostmarkMessage[]> {
    const res = await fetch(`${this.info.control_url}/postmark/_messages`);
    return ((await res.json()) as { data: PostmarkMessage[] }).data;
  }

  /** Every payment the Mercado Pago simulator holds. */
  async mercadoPagoPayments(): Promise<Record<string, unknown>[]> {
    const res = await fetch(`${this.info.control_url}/mercadopago/_payments`);
    return ((await res.json()) as { data: Record<string, unknown>[] }).data;
  }

  get hasExited(): boolean {
    return this.process.hasExited;
  }

  stop(): Promise<unknown> {
    return this.process.stop(3_000);
  }
}

export interface SmartPaySettings {
  databaseUrl: string;
  port: number;
  apiKey: string;
  adminPassword: string;
  sandbox: SandboxDescription;
  credentials: GatewayCredentials;
  logFile: string;
  /** PEM (key + certificate) the issuer signs invoices with. */
  invoiceCertificateFile: string;
}

/**
 * Production settings with the suite's short timings: gateway timeout 1 s, reconciliation in
 * seconds, leases (jobs, Idempotency-Key) of a few seconds so a killed process's claims free up
 * quickly. RECONCILE_NOT_FOUND_GRACE is 20 s instead of 7 min: a request reaches the sandbox within
 * the 1 s timeout (Mercado Pago's retries of one attempt: a few seconds) or never, since a killed
 * SmartPay cannot send one late.
 */
export function smartPayEnv(s: SmartPaySettings): Record<string, string> {
  const url = `http://127.0.0.1:${s.port}`;
  return shellEnv({
    NODE_ENV: 'production',
    SMARTPAY_SANDBOX: 'off',
    SMARTPAY_ENCRYPTION_KEY: s.credentials.encryptionKey,
    DATABASE_URL: s.databaseUrl,
    HOST: '127.0.0.1',
    PORT: String(s.port),
    SMARTPAY_PUBLIC_URL: url,
    SMARTPAY_BOOTSTRAP_API_KEY: s.apiKey,
    SMARTPAY_ADMIN_PASSWORD: s.adminPassword,
    CULQI_API_URL: s.sandbox.culqi.base_url,
    CULQI_SECURE_URL: s.sandbox.culqi.secure_url,
    CULQI_SECRET_KEY: s.credentials.culqiSecretKey,
    CULQI_PUBLIC_KEY: s.credentials.culqiPublicKey,
    CULQI_WEBHOOK_USER: s.credentials.culqiWebhookUser,
    CULQI_WEBHOOK_PASSWORD: s.credentials.culqiWebhookPassword,
    MERCADOPAGO_API_URL: s.sandbox.mercadopago.base_url,
    MERCADOPAGO_ACCESS_TOKEN: s.credentials.mpAccessToken,
    MERCADOPAGO_PUBLIC_KEY: s.credentials.mpPublicKey,
    MERCADOPAGO_WEBHOOK_SECRET: s.credentials.mpWebhookSecret,
    LOG_LEVEL: 'info',
    LOG_FILE: s.logFile,
    GATEWAY_TIMEOUT_MS: '1000',
    CIRCUIT_BREAKER_HALF_OPEN_AFTER: '2s',
    RECONCILE_SCHEDULE: '2s,5s,10s,30s',
    RECONCILE_TICK: '1s',
    RECONCILE_NOT_FOUND_GRACE: '20s',
    JOBS_POLL_INTERVAL: '200ms',
    JOBS_LEASE: '3s',
    JOBS_RETRY_BASE: '200ms',
    JOBS_RETRY_MAX: '5s',
    IDEMPOTENCY_LEASE: '3s',
    // E-mail through the sandbox's Postmark; webhooks to the suite's own receiver on loopback, which
    // production refuses unless the network is allowed.
    POSTMARK_SERVER_TOKEN: s.credentials.postmarkServerToken,
    POSTMARK_API_URL: s.sandbox.postmark.base_url,
    POSTMARK_WEBHOOK_USER: s.credentials.postmarkWebhookUser,
    POSTMARK_WEBHOOK_PASSWORD: s.credentials.postmarkWebhookPassword,
    MAIL_RETRY_SCHEDULE: '1s,2s,4s,8s',
    SMARTPAY_WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8',
    SMARTPAY_WEBHOOK_RETRY_SCHEDULE: '1s,2s,4s,8s,8s',
    // Invoices as a production deployment configures them, submitted to the sandbox's SUNAT stand-in (which takes
    // SUNAT beta's MODDATOS user after any RUC).
    SUNAT_ISSUERS: JSON.stringify([
      {
        app: '*',
        ruc: '20000000001',
        legal_name: 'SMARTPAY CRASH S.A.C.',
        address: { line: 'AV. JAVIER PRADO ESTE 123', district: 'SAN ISIDRO', province: 'LIMA', department: 'LIMA', ubigeo: '150131' },
        certificate: { pem_file: s.invoiceCertificateFile },
        sol_user: 'MODDATOS',
        sol_password: 'moddatos',
        bill_service_url: s.sandbox.sunat.bill_service_url ?? `${s.sandbox.sunat.base_url}/ol-ti-itcpfegem-beta/billService`,
      },
    ]),
    INVOICE_SUBMIT_RETRY_SCHEDULE: '1s,2s,4s,8s',
    SUNAT_TIMEOUT: '2s',
  });
}

/** `node dist/cli/main.js migrate` once, as production deployments do before starting the server. */
export async function migrate(env: Record<string, string>): Promise<void> {
  const result = await run(process.execPath, ['dist/cli/main.js', 'migrate'], { cwd: ROOT, env, timeoutMs: 60_000 });
  if (result.code !== 0) throw new Error(`migrate failed (${result.code}): ${result.stderr}`);
}

/** The compiled SmartPay server as a child process, killed and restarted at will on the same port. */
export class SmartPayServer {
  private current: Running | null = null;
  starts = 0;
  kills = 0;

  constructor(
    private readonly env: Record<string, string>,
    readonly port: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.current !== null && !this.current.hasExited;
  }

  /** Starts it and waits for /health/ready (database reachable, migrations applied). */
  async start(): Promise<void> {
    if (this.running) throw new Error('SmartPay is already running');
    this.current = Running.start(process.execPath, ['dist/main.js'], { cwd: ROOT, env: this.env });
    this.starts++;
    await this.current.waitForStatus(`${this.url}/health/ready`, 200, READY_WITHIN_MS);
  }

  /** SIGKILL: no shutdown hook runs, no buffer is flushed, no transaction is finished. */
  async kill(): Promise<void> {
    const victim = this.current;
    if (!victim || victim.hasExited) throw new Error('SmartPay is not running');
    try {
      process.kill(-victim.child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
    await victim.exited;
    this.kills++;
    this.current = null;
    await victim.stop(0);
  }

  /** SIGTERM (graceful: the job worker hands its claims back), SIGKILL after 10 s. */
  async stop(): Promise<void> {
    const victim = this.current;
    this.current = null;
    if (victim) await victim.stop(10_000);
  }

  /** The process's own output, for failure messages. */
  output(): string {
    return this.current?.output() ?? '(not running)';
  }
}

export const crashLogFile = (): string => join(LOG_DIR, `mysql-crash-smartpay-${process.pid}.log`);
export { freePort };
