import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { invoiceIssuersJson, type IssuerConfig } from './invoice-issuers.schema';
import { envSchema, type CreditPackageSetting, type Env, type RateLimitSetting } from './config.schema';

export type GatewayId = 'culqi' | 'mercadopago';
export type DatabaseConfig =
  | { kind: 'sqlite'; path: string }
  | { kind: 'mysql'; url: string; flavor?: MysqlFlavor };
/** MariaDB and MySQL speak one protocol but differ in schema introspection: MikroORM has a driver for each. */
export type MysqlFlavor = 'mysql' | 'mariadb';

/**
 * The one typed configuration object. Built from the environment once, at startup;
 * never logged (it holds secrets).
 */
export class AppConfig {
  readonly env: Env['NODE_ENV'];
  readonly port: number;
  readonly host: string;
  readonly publicUrl: string | undefined;
  readonly database: DatabaseConfig;
  readonly autoMigrate: boolean;
  readonly bootstrap: { apiKey?: string; adminEmail?: string; adminPassword?: string };
  /** The /admin dashboard: session lifetime (idle), lockout after failed sign-ins, cookies marked Secure behind TLS. */
  readonly admin: { sessionIdleMs: number; sessionMaxMs: number; lockoutAttempts: number; lockoutMs: number; secureCookies: boolean };
  readonly sandbox: { enabled: boolean; externalUrl?: string; sunatSchemaValidation: boolean };
  readonly culqi: { secretKey?: string; publicKey?: string; apiUrl: string; secureUrl: string; webhookUser?: string; webhookPassword?: string };
  readonly mercadopago: { accessToken?: string; publicKey?: string; apiUrl: string; webhookSecret?: string };
  readonly postmark: {
    serverToken?: string;
    apiUrl: string;
    from: string;
    messageStream: string;
    webhookUser?: string;
    webhookPassword?: string;
    retryScheduleMs: number[];
  };
  /** Brand of the e-mails (name, colour, logo, support address, footer line). */
  readonly mailBrand: { name: string; primaryColor: string; logoUrl: string | null; supportEmail: string | null; footer: string | null };
  readonly webhooks: {
    retryScheduleMs: number[];
    timeoutMs: number;
    /** CIDR blocks outbound webhooks and push services may reach although private (production). */
    allowedNetworks: string[];
    /** Sandbox mode: any target, localhost included, so a developer can point an endpoint at their machine. */
    allowAnyTarget: boolean;
  };
  /** SMARTPAY_ENCRYPTION_KEY as 32 bytes; undefined outside production when unset (a key is generated and kept in the database). */
  readonly encryptionKey: Buffer | undefined;
  readonly events: { dispatchIntervalMs: number };
  readonly alerts: {
    operatorEmails: string[];
    successRate: { belowPercent: number; windowMs: number; minAttempts: number };
    deadJobs: number;
    emailBounces: { threshold: number; windowMs: number };
    circuitOpen: boolean;
    endpointDisabled: boolean;
    evaluationIntervalMs: number;
  };
  readonly reports: { timeZone: string; dailyAt: string; weeklyDay: Env['REPORT_WEEKLY_DAY'] };
  readonly webPush: { publicKey?: string; privateKey?: string; subject?: string };
  readonly log: { level: Env['LOG_LEVEL']; file?: string };
  readonly metricsToken: string | undefined;
  readonly gatewayTimeoutMs: number;
  readonly circuitBreaker: { threshold: number; halfOpenAfterMs: number };
  readonly orders: { ttlMs: number; expiryIntervalMs: number };
  readonly routing: { cardPEN: GatewayId[]; cardUSD: GatewayId[] };
  readonly reconcileSchedule: string;
  readonly reconcileTickMs: number;
  readonly reconcileNotFoundGraceMs: number;
  readonly bodyLimit: string;
  /** Per-instance rate limits (SMARTPAY_RATE_LIMIT_*); null: that limit is off. */
  readonly rateLimits: { api: RateLimitSetting | null; authFailures: RateLimitSetting | null; login: RateLimitSetting | null };
  /** Send Strict-Transport-Security: SMARTPAY_PUBLIC_URL is https, so clients reach the service over TLS. */
  readonly hsts: boolean;
  /** API_KEY_CACHE_TTL in ms; 0 turns the key cache off. */
  readonly apiKeyCacheTtlMs: number;
  readonly idempotency: { ttlMs: number; leaseMs: number };
  readonly jobs: {
    worker: boolean;
    concurrency: number;
    pollIntervalMs: number;
    leaseMs: number;
    retryBaseMs: number;
    retryMaxMs: number;
    maxAttempts: number;
    retentionMs: number;
    shutdownTimeoutMs: number;
  };
  readonly credits: {
    /** CREDIT_PACKAGES as configured (validated, fields optional as written); null: the built-in catalogue. */
    packages: CreditPackageSetting[] | null;
    /** Validity of a package that does not set its own. */
    validityDays: number;
    /** Validity of bonus credits of a package that does not set its own; null: the package's validity. */
    bonusValidityDays: number | null;
    /** Prices of the built-in packages (CREDIT_PRICE_*); unused when `packages` is set. */
    prices: Record<'basic' | 'professional' | 'enterprise', { PEN: number; USD: number }>;
    /** CREDITS_LOW_BALANCE_THRESHOLD: a customer's threshold unless it set its own. */
    lowBalanceThreshold: number;
    expiryIntervalMs: number;
    /** Delays between declined auto-renewal attempts; its length is the number of retries. */
    renewalRetryScheduleMs: number[];
  };
  readonly invoices: {
    /** SUNAT_ISSUERS (or its file); null: none configured (a demo issuer in sandbox mode, else no invoices). */
    issuers: IssuerConfig[] | null;
    billServiceUrl: string;
    signatureAlgorithm: 'rsa-sha1' | 'rsa-sha256';
    timeoutMs: number;
    unitCode: 'ZZ' | 'NIU';
    creditNoteReasons: { full: '01' | '06'; partial: '07' | '09' };
    submitRetryScheduleMs: number[];
    maxReissues: number;
    summaryPollScheduleMs: number[];
    summaryMaxLines: number;
  };

  constructor(e: Env) {
    this.env = e.NODE_ENV;
    this.port = e.PORT;
    this.host = e.HOST;
    this.publicUrl = e.SMARTPAY_PUBLIC_URL;
    this.database = parseDatabaseUrl(e.DATABASE_URL);
    this.autoMigrate = e.SMARTPAY_AUTO_MIGRATE ? e.SMARTPAY_AUTO_MIGRATE === 'true' : e.NODE_ENV !== 'production';
    this.bootstrap = {
      apiKey: e.SMARTPAY_BOOTSTRAP_API_KEY,
      adminEmail: e.SMARTPAY_ADMIN_EMAIL,
      adminPassword: e.SMARTPAY_ADMIN_PASSWORD,
    };
    this.admin = {
      sessionIdleMs: e.SMARTPAY_ADMIN_SESSION_TTL,
      sessionMaxMs: Math.max(24 * 3600_000, e.SMARTPAY_ADMIN_SESSION_TTL),
      lockoutAttempts: e.SMARTPAY_ADMIN_LOCKOUT,
      lockoutMs: e.SMARTPAY_ADMIN_LOCKOUT_DURATION,
      secureCookies: e.SMARTPAY_PUBLIC_URL?.startsWith('https:') ?? e.NODE_ENV === 'production',
    };
    const hasGatewayCredentials = Boolean(e.CULQI_SECRET_KEY || e.MERCADOPAGO_ACCESS_TOKEN);
    this.sandbox = {
      enabled: e.SMARTPAY_SANDBOX === 'on' || (e.SMARTPAY_SANDBOX === 'auto' && !hasGatewayCredentials),
      externalUrl: e.SMARTPAY_SANDBOX_URL,
      sunatSchemaValidation: e.SANDBOX_SUNAT_SCHEMA_VALIDATION === 'on',
    };
    this.culqi = {
      secretKey: e.CULQI_SECRET_KEY,
      publicKey: e.CULQI_PUBLIC_KEY,
      apiUrl: e.CULQI_API_URL,
      secureUrl: e.CULQI_SECURE_URL,
      webhookUser: e.CULQI_WEBHOOK_USER,
      webhookPassword: e.CULQI_WEBHOOK_PASSWORD,
    };
    this.mercadopago = {
      accessToken: e.MERCADOPAGO_ACCESS_TOKEN,
      publicKey: e.MERCADOPAGO_PUBLIC_KEY,
      apiUrl: e.MERCADOPAGO_API_URL,
      webhookSecret: e.MERCADOPAGO_WEBHOOK_SECRET,
    };
    this.postmark = {
      serverToken: e.POSTMARK_SERVER_TOKEN,
      apiUrl: e.POSTMARK_API_URL,
      from: e.MAIL_FROM,
      messageStream: e.MAIL_MESSAGE_STREAM,
      webhookUser: e.POSTMARK_WEBHOOK_USER,
      webhookPassword: e.POSTMARK_WEBHOOK_PASSWORD,
      retryScheduleMs: e.MAIL_RETRY_SCHEDULE,
    };
    this.mailBrand = {
      name: e.MAIL_BRAND_NAME,
      primaryColor: e.MAIL_BRAND_COLOR.toUpperCase(),
      logoUrl: e.MAIL_LOGO_URL ?? null,
      supportEmail: e.MAIL_SUPPORT_EMAIL ?? null,
      footer: e.MAIL_FOOTER ?? null,
    };
    this.webhooks = {
      retryScheduleMs: e.SMARTPAY_WEBHOOK_RETRY_SCHEDULE,
      timeoutMs: e.SMARTPAY_WEBHOOK_TIMEOUT,
      allowedNetworks: e.SMARTPAY_WEBHOOK_ALLOWED_NETWORKS ?? [],
      allowAnyTarget: this.sandbox.enabled,
    };
    this.encryptionKey = e.SMARTPAY_ENCRYPTION_KEY === undefined ? undefined : parseEncryptionKey(e.SMARTPAY_ENCRYPTION_KEY);
    this.events = { dispatchIntervalMs: e.EVENTS_DISPATCH_INTERVAL };
    this.alerts = {
      operatorEmails: e.SMARTPAY_ALERT_EMAILS ?? [],
      successRate: { belowPercent: e.ALERT_SUCCESS_RATE_BELOW, windowMs: e.ALERT_SUCCESS_RATE_WINDOW, minAttempts: e.ALERT_SUCCESS_RATE_MIN_ATTEMPTS },
      deadJobs: e.ALERT_DEAD_JOBS,
      emailBounces: { threshold: e.ALERT_EMAIL_BOUNCES, windowMs: e.ALERT_EMAIL_BOUNCES_WINDOW },
      circuitOpen: e.ALERT_CIRCUIT_OPEN === 'on',
      endpointDisabled: e.ALERT_WEBHOOK_ENDPOINT_DISABLED === 'on',
      evaluationIntervalMs: e.ALERT_EVALUATION_INTERVAL,
    };
    this.reports = { timeZone: e.REPORT_TIMEZONE, dailyAt: e.REPORT_DAILY_AT, weeklyDay: e.REPORT_WEEKLY_DAY };
    this.webPush = { publicKey: e.WEBPUSH_VAPID_PUBLIC_KEY, privateKey: e.WEBPUSH_VAPID_PRIVATE_KEY, subject: e.WEBPUSH_SUBJECT };
    this.log = { level: e.LOG_LEVEL, file: e.LOG_FILE };
    this.metricsToken = e.METRICS_TOKEN;
    this.gatewayTimeoutMs = e.GATEWAY_TIMEOUT_MS;
    this.circuitBreaker = { threshold: e.CIRCUIT_BREAKER_THRESHOLD, halfOpenAfterMs: e.CIRCUIT_BREAKER_HALF_OPEN_AFTER };
    this.orders = { ttlMs: e.ORDER_TTL, expiryIntervalMs: e.ORDER_EXPIRY_INTERVAL };
    this.routing = { cardPEN: e.ROUTING_CARD_PEN, cardUSD: e.ROUTING_CARD_USD };
    this.reconcileSchedule = e.RECONCILE_SCHEDULE;
    this.reconcileTickMs = e.RECONCILE_TICK;
    this.reconcileNotFoundGraceMs = e.RECONCILE_NOT_FOUND_GRACE;
    this.bodyLimit = e.BODY_LIMIT;
    this.apiKeyCacheTtlMs = e.API_KEY_CACHE_TTL;
    this.rateLimits = { api: e.SMARTPAY_RATE_LIMIT_API, authFailures: e.SMARTPAY_RATE_LIMIT_AUTH_FAILURES, login: e.SMARTPAY_RATE_LIMIT_LOGIN };
    this.hsts = e.SMARTPAY_PUBLIC_URL?.toLowerCase().startsWith('https://') ?? false;
    this.idempotency = { ttlMs: e.IDEMPOTENCY_TTL, leaseMs: e.IDEMPOTENCY_LEASE };
    this.jobs = {
      worker: e.JOBS_WORKER === 'on',
      concurrency: e.JOBS_CONCURRENCY,
      pollIntervalMs: e.JOBS_POLL_INTERVAL,
      leaseMs: e.JOBS_LEASE,
      retryBaseMs: e.JOBS_RETRY_BASE,
      retryMaxMs: Math.max(e.JOBS_RETRY_MAX, e.JOBS_RETRY_BASE),
      maxAttempts: e.JOBS_MAX_ATTEMPTS,
      retentionMs: e.JOBS_RETENTION,
      shutdownTimeoutMs: e.JOBS_SHUTDOWN_TIMEOUT,
    };
    this.credits = {
      packages: e.CREDIT_PACKAGES ?? null,
      validityDays: e.CREDIT_VALIDITY_DAYS,
      bonusValidityDays: e.CREDIT_BONUS_VALIDITY_DAYS ?? null,
      prices: {
        basic: { PEN: e.CREDIT_PRICE_BASIC_PEN, USD: e.CREDIT_PRICE_BASIC_USD },
        professional: { PEN: e.CREDIT_PRICE_PROFESSIONAL_PEN, USD: e.CREDIT_PRICE_PROFESSIONAL_USD },
        enterprise: { PEN: e.CREDIT_PRICE_ENTERPRISE_PEN, USD: e.CREDIT_PRICE_ENTERPRISE_USD },
      },
      lowBalanceThreshold: e.CREDITS_LOW_BALANCE_THRESHOLD,
      expiryIntervalMs: e.CREDITS_EXPIRY_INTERVAL,
      renewalRetryScheduleMs: e.CREDITS_RENEWAL_RETRY_SCHEDULE,
    };
    this.invoices = {
      issuers: e.SUNAT_ISSUERS ?? (e.SUNAT_ISSUERS_FILE ? readIssuersFile(e.SUNAT_ISSUERS_FILE) : null),
      billServiceUrl: e.SUNAT_BILL_SERVICE_URL,
      signatureAlgorithm: e.SUNAT_SIGNATURE_ALGORITHM,
      timeoutMs: e.SUNAT_TIMEOUT,
      unitCode: e.INVOICE_UNIT_CODE,
      creditNoteReasons: { full: e.INVOICE_CREDIT_NOTE_REASON_FULL, partial: e.INVOICE_CREDIT_NOTE_REASON_PARTIAL },
      submitRetryScheduleMs: e.INVOICE_SUBMIT_RETRY_SCHEDULE,
      maxReissues: e.INVOICE_MAX_REISSUES,
      summaryPollScheduleMs: e.INVOICE_SUMMARY_POLL_SCHEDULE,
      summaryMaxLines: e.INVOICE_SUMMARY_MAX_LINES,
    };
    if (this.env === 'production' && this.sandbox.enabled) {
      throw new ConfigError(['SMARTPAY_SANDBOX: sandbox mode is never allowed with NODE_ENV=production; set gateway credentials']);
    }
    if (this.env === 'production') this.requireGatewayCredentials();
    if (this.env === 'production' && !this.encryptionKey) {
      throw new ConfigError(['SMARTPAY_ENCRYPTION_KEY: required with NODE_ENV=production (32 random bytes as hex, e.g. `openssl rand -hex 32`): it encrypts webhook secrets at rest']);
    }
    if (Boolean(this.webPush.publicKey) !== Boolean(this.webPush.privateKey)) {
      throw new ConfigError([`${this.webPush.publicKey ? 'WEBPUSH_VAPID_PRIVATE_KEY' : 'WEBPUSH_VAPID_PUBLIC_KEY'}: the VAPID key pair must be set together`]);
    }
    if (Boolean(this.postmark.webhookUser) !== Boolean(this.postmark.webhookPassword)) {
      throw new ConfigError([`${this.postmark.webhookUser ? 'POSTMARK_WEBHOOK_PASSWORD' : 'POSTMARK_WEBHOOK_USER'}: the Postmark webhook credentials must be set together`]);
    }
  }

  /** Production charges for real: at least one gateway with both of its keys, and no half-configured one. */
  private requireGatewayCredentials(): void {
    const problems: string[] = [];
    const pair = (secretName: string, secret: string | undefined, publicName: string, pub: string | undefined): boolean => {
      if (secret && !pub) problems.push(`${publicName}: required with ${secretName}`);
      if (pub && !secret) problems.push(`${secretName}: required with ${publicName}`);
      return Boolean(secret && pub);
    };
    const culqi = pair('CULQI_SECRET_KEY', this.culqi.secretKey, 'CULQI_PUBLIC_KEY', this.culqi.publicKey);
    const mercadopago = pair('MERCADOPAGO_ACCESS_TOKEN', this.mercadopago.accessToken, 'MERCADOPAGO_PUBLIC_KEY', this.mercadopago.publicKey);
    if (!culqi && !mercadopago && problems.length === 0) {
      problems.push(
        'CULQI_SECRET_KEY: NODE_ENV=production needs the credentials of at least one gateway (CULQI_SECRET_KEY + CULQI_PUBLIC_KEY and/or MERCADOPAGO_ACCESS_TOKEN + MERCADOPAGO_PUBLIC_KEY)',
      );
    }
    if (problems.length > 0) throw new ConfigError(problems);
  }

  /** Key mode follows the deployment: sandbox or test credentials → sk_test_, live credentials → sk_live_. */
  get keyMode(): 'test' | 'live' {
    if (this.sandbox.enabled) return 'test';
    const creds = [this.culqi.secretKey, this.mercadopago.accessToken].filter(Boolean) as string[];
    return creds.some((c) => c.startsWith('sk_live_') || c.startsWith('APP_USR-')) ? 'live' : 'test';
  }
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** 32 bytes from 64 hex characters or base64 (ConfigError otherwise). */
function parseEncryptionKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new ConfigError(['SMARTPAY_ENCRYPTION_KEY: must be 32 bytes, as 64 hex characters or base64']);
  return key;
}

export function parseDatabaseUrl(url: string | undefined): DatabaseConfig {
  if (url === undefined || url === '') return { kind: 'sqlite', path: resolve('data', 'smartpay.db') };
  if (url.startsWith('sqlite:')) return { kind: 'sqlite', path: resolve(url.slice('sqlite:'.length)) };
  if (url.startsWith('mariadb://')) return { kind: 'mysql', url: `mysql://${url.slice('mariadb://'.length)}`, flavor: 'mariadb' };
  return { kind: 'mysql', url };
}

/** Validates the environment; throws ConfigError naming every wrong variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  // `PORT=` (an empty value, as env files and compose interpolation produce) means "not set", so
  // the default applies instead of an empty string being coerced (PORT would become 0).
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    // The variable's name leads each message (a list's element index would only obscure it).
    throw new ConfigError(parsed.error.issues.map((i) => `${String(i.path[0] ?? '(environment)')}: ${i.message}`));
  }
  return new AppConfig(parsed.data);
}

/** SUNAT_ISSUERS_FILE: the issuers' JSON from a file, with the same validation and messages as the variable. */
function readIssuersFile(path: string): IssuerConfig[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError([`SUNAT_ISSUERS_FILE: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`]);
  }
  const parsed = invoiceIssuersJson.safeParse(text);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `SUNAT_ISSUERS_FILE: ${i.message}`));
  return parsed.data;
}
