import { z } from 'zod';
import { parseDuration } from '../common/duration';
import { MAX_AMOUNT } from '../common/money';
import { invoiceIssuersJson } from './invoice-issuers.schema';

/**
 * Every environment variable SmartPay reads, validated once at startup.
 * Names are part of the public contract (api.md, "Configuration").
 */
const gatewayList = z
  .string()
  .transform((s) => s.split(',').map((g) => g.trim()).filter(Boolean))
  .pipe(z.array(z.enum(['culqi', 'mercadopago'])).min(1));

const duration = z.string().transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a duration like 30s, 15m, 24h or 7d` });
    return z.NEVER;
  }
  return ms;
});

/** A duration, or 0 (also `0s`, `0ms`…) for "off". */
const durationOrOff = z.string().transform((value, ctx) => {
  if (/^\s*0+\s*(ms|s|m|h|d)?\s*$/.test(value)) return 0;
  const ms = parseDuration(value);
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a duration like 5s or 1m, or 0 for off` });
    return z.NEVER;
  }
  return ms;
});

/** A comma-separated list of durations, e.g. `5s,5m,30m,2h`. */
const durationList = z.string().transform((value, ctx) => {
  const parts = value.split(',').map((p) => p.trim()).filter(Boolean);
  const ms = parts.map(parseDuration);
  if (parts.length === 0 || ms.some((m) => m === null)) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a list of durations like 5s,5m,30m,2h` });
    return z.NEVER;
  }
  return ms as number[];
});

/** A comma-separated list of e-mail addresses (may be empty). */
const emailList = z
  .string()
  .transform((s) => s.split(',').map((e) => e.trim()).filter(Boolean))
  .pipe(z.array(z.email()).max(20));

/** A comma-separated list of CIDR blocks (`10.0.0.0/8,fd00::/8`). */
const cidrList = z
  .string()
  .transform((s) => s.split(',').map((c) => c.trim()).filter(Boolean))
  .pipe(z.array(z.string().refine((c) => z.cidrv4().safeParse(c).success || z.cidrv6().safeParse(c).success, { message: 'not a CIDR block like 10.0.0.0/8' })));

const onOff = z.enum(['on', 'off']);

/** A rate limit: `<requests>/<window>` (`600/60s`: 600 requests per 60-second window) or `off`. */
export interface RateLimitSetting {
  points: number;
  durationMs: number;
}
const rateLimit = z.string().transform((value, ctx): RateLimitSetting | null => {
  if (value.trim() === 'off') return null;
  const match = /^\s*(\d+)\s*\/\s*(\S+)\s*$/.exec(value);
  const points = match ? Number(match[1]) : Number.NaN;
  const durationMs = match ? parseDuration(match[2]!) : null;
  // Windows are whole seconds: the limiter counts in seconds and Retry-After is in seconds.
  if (!Number.isSafeInteger(points) || points < 1 || points > 1_000_000_000 || durationMs === null || durationMs % 1000 !== 0 || durationMs > 86_400_000) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a limit like 600/60s (1 to 1000000000 requests per window of whole seconds up to 1d) or off` });
    return z.NEVER;
  }
  return { points, durationMs };
});

/** An integer within bounds; one message for a wrong type or range, and "required" when absent. */
const integer = (min: number, max: number, message: string) => {
  const error = (issue: { input?: unknown }) => (issue.input === undefined ? 'required' : message);
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
};
const requiredString = () => z.string({ error: (issue) => (issue.input === undefined ? 'required' : 'must be a string') });

const validityDays = integer(1, 3650, 'must be whole days from 1 to 3650');
/** Minor units, bounded like order amounts so that every package can be ordered. */
const packagePrice = integer(1, MAX_AMOUNT, `must be a positive integer in minor units (4900 = S/ 49.00), at most ${MAX_AMOUNT}`);

/**
 * One package of CREDIT_PACKAGES. Strict, so a misspelt field (`bonus_credit`) stops the start instead of
 * silently selling a package without its bonus.
 */
const creditPackageSchema = z.strictObject(
  {
    code: requiredString().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'must be 1-32 lowercase letters, digits, "_" or "-", starting with a letter'),
    name: requiredString().trim().min(1, 'must not be empty').max(100, 'at most 100 characters'),
    credits: integer(1, Number.MAX_SAFE_INTEGER, 'must be a positive integer'),
    bonus_credits: integer(0, Number.MAX_SAFE_INTEGER, 'must be an integer of 0 or more'),
    prices: z.strictObject(
      { PEN: packagePrice, USD: packagePrice },
      { error: (issue) => (issue.input === undefined ? 'required' : 'must be an object { "PEN": …, "USD": … }') },
    ),
    validity_days: validityDays.optional(),
    bonus_validity_days: validityDays.optional(),
  },
  { error: (issue) => (issue.code === 'invalid_type' ? 'must be an object like { "code", "name", "credits", "bonus_credits", "prices" }' : undefined) },
);
export type CreditPackageSetting = z.infer<typeof creditPackageSchema>;

const MAX_CREDIT_PACKAGES = 20;

const creditPackageList = z
  .array(creditPackageSchema, { error: `must be a JSON array of 1 to ${MAX_CREDIT_PACKAGES} packages` })
  .min(1, 'must list at least one package')
  .max(MAX_CREDIT_PACKAGES, `at most ${MAX_CREDIT_PACKAGES} packages`);

/**
 * CREDIT_PACKAGES: JSON text → the validated list. Every problem is its own message naming the package
 * (position and code) and the field, because the variable's name alone cannot point into the JSON.
 */
const creditPackagesJson = z.string().transform((text, ctx) => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `not valid JSON (${(err as Error).message})` });
    return z.NEVER;
  }
  const parsed = creditPackageList.safeParse(json);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => describePackageIssue(json, issue));
  // Checked on the raw JSON, so a duplicate shows up together with the other mistakes rather than after them.
  problems.push(...duplicateCodes(json));
  for (const message of problems) ctx.addIssue({ code: 'custom', message });
  return parsed.success && problems.length === 0 ? parsed.data : z.NEVER;
});

/** `package 2 ("pro")`: position from 1, and the code when it is a plausible one. */
function packageLabel(json: unknown, index: number): string {
  const code = Array.isArray(json) ? (json[index] as { code?: unknown } | null | undefined)?.code : undefined;
  return `package ${index + 1}${typeof code === 'string' && code.length <= 32 ? ` ("${code}")` : ''}`;
}

function describePackageIssue(json: unknown, issue: z.core.$ZodIssue): string {
  const message = issue.code === 'unrecognized_keys' ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}` : issue.message;
  const [index, ...field] = issue.path;
  if (typeof index !== 'number') return message;
  return field.length > 0 ? `${packageLabel(json, index)}: ${field.map(String).join('.')}: ${message}` : `${packageLabel(json, index)}: ${message}`;
}

/** Orders, auto-renewals and paid grants find their package by code: one code, one package. */
function duplicateCodes(json: unknown): string[] {
  if (!Array.isArray(json)) return [];
  const first = new Map<string, number>();
  const problems: string[] = [];
  json.forEach((item: unknown, i) => {
    const code = (item as { code?: unknown } | null | undefined)?.code;
    if (typeof code !== 'string') return;
    const seen = first.get(code);
    if (seen === undefined) first.set(code, i);
    else problems.push(`${packageLabel(json, i)}: code: duplicate of package ${seen + 1}`);
  });
  return problems;
}

const optionalSecret = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number({ error: 'must be a port number (0-65535)' }).int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  SMARTPAY_PUBLIC_URL: z.url().optional(),
  DATABASE_URL: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === '' || /^(sqlite:.+|(mysql|mariadb):\/\/.+)$/.test(v), {
      message: 'must be sqlite:<path> or mysql://user:pass@host:3306/db (mariadb:// also accepted)',
    }),
  /** Apply pending migrations at start. Defaults to on outside production (api.md: `npm run migrate` in production). */
  SMARTPAY_AUTO_MIGRATE: z.enum(['true', 'false']).optional(),
  SMARTPAY_BOOTSTRAP_API_KEY: optionalSecret.refine((v) => v === undefined || /^sk_(test|live)_[A-Za-z0-9]{32,}$/.test(v), {
    message: 'must look like sk_test_<32+ letters/digits>',
  }),
  SMARTPAY_ADMIN_EMAIL: z.email().optional(),
  SMARTPAY_ADMIN_PASSWORD: optionalSecret.refine((v) => v === undefined || v.length >= 12, {
    message: 'must be at least 12 characters',
  }),
  /** Dashboard sessions end after this long without a request (and 24 h after sign-in at the latest). */
  SMARTPAY_ADMIN_SESSION_TTL: duration.default(8 * 3600_000),
  /** Failed sign-ins in a row that lock an admin account, and for how long. */
  SMARTPAY_ADMIN_LOCKOUT: z.coerce.number({ error: 'must be a whole number of attempts' }).int().min(1).max(100).default(5),
  SMARTPAY_ADMIN_LOCKOUT_DURATION: duration.default(15 * 60_000),
  SMARTPAY_SANDBOX: z.enum(['auto', 'on', 'off']).default('auto'),
  SMARTPAY_SANDBOX_URL: z.url().optional(),
  /** The in-process SUNAT simulator checks every document against the UBL 2.1 XSDs (about 0.3 s of CPU each); `off` skips it. */
  SANDBOX_SUNAT_SCHEMA_VALIDATION: onOff.default('on'),
  CULQI_SECRET_KEY: optionalSecret,
  CULQI_PUBLIC_KEY: optionalSecret,
  CULQI_API_URL: z.url().default('https://api.culqi.com/v2'),
  CULQI_SECURE_URL: z.url().default('https://secure.culqi.com/v2'),
  CULQI_WEBHOOK_USER: optionalSecret,
  CULQI_WEBHOOK_PASSWORD: optionalSecret,
  MERCADOPAGO_ACCESS_TOKEN: optionalSecret,
  MERCADOPAGO_PUBLIC_KEY: optionalSecret,
  MERCADOPAGO_API_URL: z.url().default('https://api.mercadopago.com'),
  MERCADOPAGO_WEBHOOK_SECRET: optionalSecret,
  POSTMARK_SERVER_TOKEN: optionalSecret,
  POSTMARK_API_URL: z
    .url({ protocol: /^https?$/ })
    .refine((u) => URL.canParse(u) && new URL(u).pathname === '/', { message: 'must be an origin like https://api.postmarkapp.com (the client adds the paths)' })
    .default('https://api.postmarkapp.com'),
  MAIL_FROM: z.string().default('SmartPay <no-reply@smartpay.pe>'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Write logs to this file instead of stdout (benchmarks and the test suite use it). */
  LOG_FILE: z.string().min(1).optional(),
  METRICS_TOKEN: optionalSecret,
  GATEWAY_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  /** Consecutive unhealthy answers (refused, DNS/TLS, timeout, reset, 5xx) that open a gateway's circuit. */
  CIRCUIT_BREAKER_THRESHOLD: z.coerce.number().int().min(1).max(1000).default(5),
  /** How long an open circuit refuses calls before one probe may go through. */
  CIRCUIT_BREAKER_HALF_OPEN_AFTER: duration.default(30 * 1000),
  ORDER_TTL: duration.default(24 * 3600 * 1000),
  ORDER_EXPIRY_INTERVAL: duration.default(60 * 1000),
  ROUTING_CARD_PEN: gatewayList.default(['culqi', 'mercadopago']),
  ROUTING_CARD_USD: gatewayList.default(['culqi']),
  RECONCILE_SCHEDULE: z
    .string()
    .default('1m,5m,1h,1d')
    .refine((v) => v.split(',').every((p) => parseDuration(p.trim()) !== null), { message: 'must be durations like 1m,5m,1h,1d' }),
  /** How often each instance looks for pending charges whose next lookup is due. */
  RECONCILE_TICK: duration.default(15 * 1000),
  /**
   * How long after an attempt a charge the gateway does not know may still appear there (a Culqi token
   * lives 5 minutes); past it, an unknown attempt is failed: nothing was charged.
   */
  RECONCILE_NOT_FOUND_GRACE: duration.default(7 * 60 * 1000),
  /**
   * How long a successful API key lookup is trusted without reading the database again; a key revoked
   * by another process keeps working here for at most this long. 0: every request reads the database.
   */
  API_KEY_CACHE_TTL: durationOrOff.default(5000),
  /** Delays between webhook delivery attempts (with ±20 % jitter); after the last one the endpoint is disabled. About 3 days. */
  SMARTPAY_WEBHOOK_RETRY_SCHEDULE: durationList.default([5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000, 86_400_000, 86_400_000]),
  /** Timeout of one webhook delivery attempt. */
  SMARTPAY_WEBHOOK_TIMEOUT: duration.default(10_000),
  /** Private networks webhook endpoints (and push services) may point into outside sandbox mode. */
  SMARTPAY_WEBHOOK_ALLOWED_NETWORKS: cidrList.optional(),
  /** Key that encrypts webhook secrets at rest: 32 bytes as 64 hex characters or base64. Required in production. */
  SMARTPAY_ENCRYPTION_KEY: optionalSecret,
  /** How often each worker instance looks for domain events not yet handed to their consumers. */
  EVENTS_DISPATCH_INTERVAL: duration.default(250),
  POSTMARK_WEBHOOK_USER: optionalSecret,
  POSTMARK_WEBHOOK_PASSWORD: optionalSecret,
  MAIL_BRAND_NAME: z.string().trim().min(1).max(100).default('SmartPay'),
  MAIL_BRAND_COLOR: z.string().regex(/^#[0-9A-Fa-f]{6}$/, 'must be a colour like #0F766E').default('#0F766E'),
  MAIL_LOGO_URL: z.url({ protocol: /^https?$/ }).optional(),
  MAIL_SUPPORT_EMAIL: z.email().optional(),
  MAIL_FOOTER: z.string().trim().max(300).optional(),
  /** Delays between attempts of an e-mail Postmark could not take (429, 5xx, network), with ±20 % jitter. About 10 h. */
  MAIL_RETRY_SCHEDULE: durationList.default([30_000, 120_000, 600_000, 1_800_000, 3_600_000, 10_800_000, 21_600_000]),
  MAIL_MESSAGE_STREAM: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/).default('outbound'),
  /** Operators who receive deployment-wide alerts (gateway circuits, dead-letter jobs). */
  SMARTPAY_ALERT_EMAILS: emailList.optional(),
  /** Success-rate alert: below this % over ALERT_SUCCESS_RATE_WINDOW with at least ALERT_SUCCESS_RATE_MIN_ATTEMPTS attempts (0 = off). */
  ALERT_SUCCESS_RATE_BELOW: z.coerce.number().min(0).max(100).default(80),
  ALERT_SUCCESS_RATE_WINDOW: duration.default(15 * 60_000),
  ALERT_SUCCESS_RATE_MIN_ATTEMPTS: z.coerce.number().int().min(1).max(1_000_000).default(20),
  /** Dead-letter alert: this many dead jobs or more (0 = off). */
  ALERT_DEAD_JOBS: z.coerce.number().int().min(0).default(1),
  /** Bounce alert: this many hard bounces / spam complaints of one app's e-mails within ALERT_EMAIL_BOUNCES_WINDOW (0 = off). */
  ALERT_EMAIL_BOUNCES: z.coerce.number().int().min(0).default(3),
  ALERT_EMAIL_BOUNCES_WINDOW: duration.default(24 * 3_600_000),
  ALERT_CIRCUIT_OPEN: onOff.default('on'),
  ALERT_WEBHOOK_ENDPOINT_DISABLED: onOff.default('on'),
  /** How often alert conditions are evaluated. */
  ALERT_EVALUATION_INTERVAL: duration.default(60_000),
  /** Daily and weekly summaries: their time zone, the local time they are sent, and the weekday of the weekly one. */
  REPORT_TIMEZONE: z.string().refine(isTimeZone, { message: 'must be an IANA time zone like America/Lima' }).default('America/Lima'),
  REPORT_DAILY_AT: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24 h)').default('08:00'),
  REPORT_WEEKLY_DAY: z.enum(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']).default('monday'),
  /** Web Push (browser notifications of alerts): VAPID key pair (base64url) and contact; generated in sandbox mode. */
  WEBPUSH_VAPID_PUBLIC_KEY: optionalSecret,
  WEBPUSH_VAPID_PRIVATE_KEY: optionalSecret,
  WEBPUSH_SUBJECT: z.string().regex(/^(mailto:|https:\/\/).+/, 'must be a mailto: or https: URL').optional(),
  /** Requests per API key on /v1 (per instance: N instances allow up to N times this); `off` disables. */
  SMARTPAY_RATE_LIMIT_API: rateLimit.default({ points: 6000, durationMs: 60_000 }),
  /** Failed authentications (missing or unknown API key) per client IP; past it they answer 429 instead of 401. */
  SMARTPAY_RATE_LIMIT_AUTH_FAILURES: rateLimit.default({ points: 60, durationMs: 60_000 }),
  /** Login attempts per client IP (the admin dashboard's login). */
  SMARTPAY_RATE_LIMIT_LOGIN: rateLimit.default({ points: 10, durationMs: 60_000 }),
  /** Largest accepted request body. */
  BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i, 'must be like 100kb or 1mb').default('100kb'),
  IDEMPOTENCY_TTL: duration.default(24 * 3600 * 1000),
  IDEMPOTENCY_LEASE: duration.default(60 * 1000),
  /** Background jobs (durable queue): `off` keeps this instance from running jobs and recurring ticks. */
  JOBS_WORKER: z.enum(['on', 'off']).default('on'),
  /** Jobs one instance runs at the same time. */
  JOBS_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** How long an idle worker waits before looking for due jobs again. */
  JOBS_POLL_INTERVAL: duration.default(500),
  /** A claimed job's lease, renewed every third of it while the handler runs; an expired lease lets another instance take the job. */
  JOBS_LEASE: duration.default(60 * 1000),
  /** Retry delay after the first failure (doubling each attempt, full jitter) and its ceiling. */
  JOBS_RETRY_BASE: duration.default(1000),
  JOBS_RETRY_MAX: duration.default(3600 * 1000),
  /** Attempts before a job is dead-lettered, unless its producer set its own. */
  JOBS_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(10),
  /** How long succeeded jobs are kept. */
  JOBS_RETENTION: duration.default(7 * 24 * 3600 * 1000),
  /** On shutdown, how long running jobs may finish before they are handed back to the queue. */
  JOBS_SHUTDOWN_TIMEOUT: duration.default(5000),
  CREDIT_PRICE_BASIC_PEN: z.coerce.number().int().positive().default(4900),
  CREDIT_PRICE_BASIC_USD: z.coerce.number().int().positive().default(1400),
  CREDIT_PRICE_PROFESSIONAL_PEN: z.coerce.number().int().positive().default(19900),
  CREDIT_PRICE_PROFESSIONAL_USD: z.coerce.number().int().positive().default(5400),
  CREDIT_PRICE_ENTERPRISE_PEN: z.coerce.number().int().positive().default(69900),
  CREDIT_PRICE_ENTERPRISE_USD: z.coerce.number().int().positive().default(18900),
  CREDIT_VALIDITY_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  /** Validity of bonus credits; unset: as long as the package's purchased credits. */
  CREDIT_BONUS_VALIDITY_DAYS: z.coerce.number().int().min(1).max(3650).optional(),
  /** The whole catalogue as JSON; replaces the built-in packages and the CREDIT_PRICE_* variables when set. */
  CREDIT_PACKAGES: creditPackagesJson.optional(),
  /** Default low-balance threshold of a customer (each customer may set its own). */
  CREDITS_LOW_BALANCE_THRESHOLD: z.coerce.number().int().min(0).max(100_000_000).default(50),
  /** How often lots past expires_at are recorded as expired (they are unusable at once either way). */
  CREDITS_EXPIRY_INTERVAL: duration.default(60 * 1000),
  /** After a declined auto-renewal: when to try again; after the last, renewal turns itself off. */
  CREDITS_RENEWAL_RETRY_SCHEDULE: durationList.default([3_600_000, 21_600_000, 86_400_000]),
  /** Who invoices for which app (JSON array, invoice-issuers.schema.ts); unset: a demo issuer in sandbox mode, else no invoices. */
  SUNAT_ISSUERS: invoiceIssuersJson.optional(),
  /** The same JSON read from a file (a mounted secret); used when SUNAT_ISSUERS is unset. */
  SUNAT_ISSUERS_FILE: z.string().min(1).optional(),
  /** SUNAT's billService (production); an issuer's `bill_service_url` points at an OSE or SUNAT beta instead. */
  SUNAT_BILL_SERVICE_URL: z.url({ protocol: /^https?$/ }).default('https://e-factura.sunat.gob.pe/ol-ti-itcpfegem/billService'),
  /** XMLDSig algorithm: RSA-SHA1 is what SUNAT documents; RSA-SHA256 for an OSE that asks for it. */
  SUNAT_SIGNATURE_ALGORITHM: z.enum(['rsa-sha1', 'rsa-sha256']).default('rsa-sha1'),
  SUNAT_TIMEOUT: duration.default(30_000),
  /** Catálogo 03 unit of every invoice line: ZZ (services) or NIU (goods). */
  INVOICE_UNIT_CODE: z.enum(['ZZ', 'NIU']).default('ZZ'),
  /** Catálogo 09 reason of a credit note for a full refund: 01 anulación de la operación, 06 devolución total. */
  INVOICE_CREDIT_NOTE_REASON_FULL: z.enum(['01', '06']).default('01'),
  /** … and for a partial refund: 07 devolución por ítem, 09 disminución en el valor. */
  INVOICE_CREDIT_NOTE_REASON_PARTIAL: z.enum(['07', '09']).default('09'),
  /** When a document SUNAT/OSE did not answer (exception, timeout) is sent again; after the last, status error + alert. */
  INVOICE_SUBMIT_RETRY_SCHEDULE: durationList.default([60_000, 300_000, 1_800_000, 7_200_000, 21_600_000, 43_200_000]),
  /** How many times a rejected document is issued again under a new number before it waits for a person. */
  INVOICE_MAX_REISSUES: z.coerce.number().int().min(0).max(10).default(1),
  /** Issuers with `boletas: daily_summary`: when SUNAT is asked again for a summary's ticket still in process (98). */
  INVOICE_SUMMARY_POLL_SCHEDULE: durationList.default([10_000, 30_000, 60_000, 300_000, 900_000, 3_600_000, 10_800_000, 21_600_000]),
  /** Most documents in one daily summary; a day with more goes in several (RC-…-1, RC-…-2). */
  INVOICE_SUMMARY_MAX_LINES: z.coerce.number().int().min(1).max(500).default(500),
});

export type Env = z.infer<typeof envSchema>;

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
