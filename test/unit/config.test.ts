import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseDatabaseUrl } from '../../src/config/app-config';
import { checkDatabase } from '../../src/config/database-check';

/** The problems loadConfig reports for `env`, or [] when it accepts it. */
function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

describe('configuration', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'smartpay-config-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('has working defaults: port 3000, SQLite in ./data, sandbox, auto-migrate, test keys', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.database).toEqual({ kind: 'sqlite', path: join(process.cwd(), 'data', 'smartpay.db') });
    expect(config.sandbox.enabled).toBe(true);
    expect(config.autoMigrate).toBe(true);
    expect(config.keyMode).toBe('test');
  });

  it('puts the default database in ./data/smartpay.db of the working directory', () => {
    const before = process.cwd();
    const dir = realpathSync(mkdtempSync(join(scratch, 'cwd-')));
    try {
      process.chdir(dir);
      expect(loadConfig({}).database).toEqual({ kind: 'sqlite', path: join(dir, 'data', 'smartpay.db') });
      expect(parseDatabaseUrl('sqlite:other/pay.db')).toEqual({ kind: 'sqlite', path: join(dir, 'other', 'pay.db') });
    } finally {
      process.chdir(before);
    }
  });

  it('reads sqlite:, mysql:// and mariadb:// URLs', () => {
    expect(parseDatabaseUrl('sqlite:/var/lib/smartpay/pay.db')).toEqual({ kind: 'sqlite', path: '/var/lib/smartpay/pay.db' });
    expect(loadConfig({ DATABASE_URL: 'mysql://u:p@db:3306/smartpay' }).database).toEqual({ kind: 'mysql', url: 'mysql://u:p@db:3306/smartpay' });
    // mariadb:// is accepted and pins the MariaDB driver (no server version probe needed).
    expect(loadConfig({ DATABASE_URL: 'mariadb://u:p@db:3306/smartpay' }).database).toEqual({
      kind: 'mysql',
      url: 'mysql://u:p@db:3306/smartpay',
      flavor: 'mariadb',
    });
  });

  it('treats an empty value as unset', () => {
    const config = loadConfig({ PORT: '', DATABASE_URL: '', SMARTPAY_SANDBOX: '', LOG_LEVEL: '' });
    expect(config.port).toBe(3000);
    expect(config.database.kind).toBe('sqlite');
    expect(config.log.level).toBe('info');
  });

  it('caches API keys for API_KEY_CACHE_TTL: 5s by default, any duration, 0 turns it off', () => {
    expect(loadConfig({}).apiKeyCacheTtlMs).toBe(5000);
    expect(loadConfig({ API_KEY_CACHE_TTL: '1s' }).apiKeyCacheTtlMs).toBe(1000);
    expect(loadConfig({ API_KEY_CACHE_TTL: '250ms' }).apiKeyCacheTtlMs).toBe(250);
    expect(loadConfig({ API_KEY_CACHE_TTL: '2m' }).apiKeyCacheTtlMs).toBe(120_000);
    for (const off of ['0', '0s', '0ms']) expect(loadConfig({ API_KEY_CACHE_TTL: off }).apiKeyCacheTtlMs).toBe(0);
    expect(loadConfig({ API_KEY_CACHE_TTL: '' }).apiKeyCacheTtlMs).toBe(5000);
  });

  const BAD: [string, string][] = [
    ['NODE_ENV', 'staging'],
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['SMARTPAY_PUBLIC_URL', 'not a url'],
    ['DATABASE_URL', 'postgres://x'],
    ['DATABASE_URL', 'sqlite:'],
    ['SMARTPAY_AUTO_MIGRATE', 'yes'],
    ['SMARTPAY_BOOTSTRAP_API_KEY', 'short'],
    ['SMARTPAY_BOOTSTRAP_API_KEY', 'pk_test_abcdefghijklmnopqrstuvwxyz0123456789'],
    ['SMARTPAY_ADMIN_EMAIL', 'not-an-email'],
    ['SMARTPAY_ADMIN_PASSWORD', 'tooShort'],
    ['SMARTPAY_SANDBOX', 'maybe'],
    ['SMARTPAY_SANDBOX_URL', 'nope'],
    ['CULQI_API_URL', 'culqi'],
    ['CULQI_SECURE_URL', 'secure'],
    ['MERCADOPAGO_API_URL', 'mp'],
    ['POSTMARK_API_URL', 'pm'],
    ['LOG_LEVEL', 'loud'],
    ['GATEWAY_TIMEOUT_MS', '5'],
    ['ORDER_TTL', 'forever'],
    ['ORDER_EXPIRY_INTERVAL', '1 minute'],
    ['ROUTING_CARD_PEN', 'paypal'],
    ['ROUTING_CARD_USD', ','],
    ['BODY_LIMIT', 'huge'],
    ['IDEMPOTENCY_TTL', '-1h'],
    ['IDEMPOTENCY_LEASE', 'x'],
    ['API_KEY_CACHE_TTL', '5 seconds'],
    ['API_KEY_CACHE_TTL', '-1s'],
    ['API_KEY_CACHE_TTL', 'off'],
    ['CREDIT_PRICE_BASIC_PEN', '-1'],
    ['CREDIT_PRICE_ENTERPRISE_USD', '1.5'],
    ['CREDIT_VALIDITY_DAYS', '0'],
    ['SMARTPAY_WEBHOOK_RETRY_SCHEDULE', 'soon,later'],
    ['SMARTPAY_WEBHOOK_TIMEOUT', '10'],
    ['SMARTPAY_WEBHOOK_ALLOWED_NETWORKS', '10.0.0.0'],
    ['SMARTPAY_ENCRYPTION_KEY', 'too-short'],
    ['POSTMARK_API_URL', 'https://api.postmarkapp.com/email'],
    ['MAIL_BRAND_COLOR', 'teal'],
    ['MAIL_LOGO_URL', 'ftp://logo'],
    ['MAIL_RETRY_SCHEDULE', '1x'],
    ['SMARTPAY_ALERT_EMAILS', 'ops@'],
    ['ALERT_SUCCESS_RATE_BELOW', '120'],
    ['ALERT_CIRCUIT_OPEN', 'yes'],
    ['REPORT_TIMEZONE', 'Mars/Olympus'],
    ['REPORT_DAILY_AT', '25:00'],
    ['REPORT_WEEKLY_DAY', 'funday'],
    ['WEBPUSH_SUBJECT', 'ops@example.com'],
  ];

  it.each(BAD)('names %s in the error when it is %j', (name, value) => {
    const found = problems({ [name]: value });
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((p) => p.startsWith(`${name}: `)), found.join('; ')).toBe(true);
  });

  it('reports every wrong variable at once, without echoing secret values', () => {
    const secret = 'sk_live_butTooShort';
    const found = problems({ PORT: 'abc', DATABASE_URL: 'postgres://x', SMARTPAY_BOOTSTRAP_API_KEY: secret });
    expect(found.map((p) => p.split(':')[0]).sort()).toEqual(['DATABASE_URL', 'PORT', 'SMARTPAY_BOOTSTRAP_API_KEY']);
    expect(new ConfigError(found).message).not.toContain(secret);
  });

  describe('in production', () => {
    it('refuses to start without the credentials of a gateway, or with half of them', () => {
      expect(problems({ NODE_ENV: 'production', SMARTPAY_SANDBOX: 'off' })).toEqual([expect.stringMatching(/^CULQI_SECRET_KEY: .*at least one gateway/)]);
      expect(problems({ NODE_ENV: 'production', CULQI_SECRET_KEY: 'sk_live_abc' })).toEqual([expect.stringMatching(/^CULQI_PUBLIC_KEY: required/)]);
      expect(problems({ NODE_ENV: 'production', SMARTPAY_SANDBOX: 'off', MERCADOPAGO_PUBLIC_KEY: 'APP_USR-2' })).toEqual([
        expect.stringMatching(/^MERCADOPAGO_ACCESS_TOKEN: required/),
      ]);
    });

    it('refuses to start without SMARTPAY_ENCRYPTION_KEY (it encrypts webhook secrets), naming it', () => {
      expect(problems({ NODE_ENV: 'production', CULQI_SECRET_KEY: 'sk_live_abc', CULQI_PUBLIC_KEY: 'pk_live_abc' })).toEqual([
        expect.stringMatching(/^SMARTPAY_ENCRYPTION_KEY: required with NODE_ENV=production/),
      ]);
    });

    it('refuses sandbox mode, whether automatic or asked for', () => {
      expect(problems({ NODE_ENV: 'production' })).toEqual([expect.stringMatching(/^SMARTPAY_SANDBOX: /)]);
      expect(problems({ NODE_ENV: 'production', SMARTPAY_SANDBOX: 'on', CULQI_SECRET_KEY: 'sk_live_x' })).toEqual([
        expect.stringMatching(/^SMARTPAY_SANDBOX: /),
      ]);
    });

    const KEY = 'a'.repeat(64);

    it('runs with gateway credentials and an encryption key, and migrates only when told to', () => {
      const config = loadConfig({ NODE_ENV: 'production', CULQI_SECRET_KEY: 'sk_live_abc', CULQI_PUBLIC_KEY: 'pk_live_abc', SMARTPAY_ENCRYPTION_KEY: KEY });
      expect(config.sandbox.enabled).toBe(false);
      expect(config.autoMigrate).toBe(false);
      expect(config.encryptionKey).toEqual(Buffer.alloc(32, 0xaa));
      expect(config.webhooks.allowAnyTarget).toBe(false);
      expect(
        loadConfig({
          NODE_ENV: 'production',
          SMARTPAY_SANDBOX: 'off',
          SMARTPAY_AUTO_MIGRATE: 'true',
          MERCADOPAGO_ACCESS_TOKEN: 'APP_USR-1',
          MERCADOPAGO_PUBLIC_KEY: 'APP_USR-2',
          SMARTPAY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
        }).autoMigrate,
      ).toBe(true);
      expect(loadConfig({ SMARTPAY_AUTO_MIGRATE: 'false' }).autoMigrate).toBe(false);
    });
  });

  it('reads the notification settings: webhook retry schedule, networks, brand, alert rules, reports', () => {
    const config = loadConfig({
      SMARTPAY_WEBHOOK_RETRY_SCHEDULE: '5s, 5m,30m',
      SMARTPAY_WEBHOOK_ALLOWED_NETWORKS: '10.0.0.0/8,fd00::/8',
      MAIL_BRAND_COLOR: '#aabbcc',
      SMARTPAY_ALERT_EMAILS: 'ops@example.com, cto@example.com',
      ALERT_SUCCESS_RATE_BELOW: '0',
      REPORT_TIMEZONE: 'America/Bogota',
    });
    expect(config.webhooks).toMatchObject({ retryScheduleMs: [5_000, 300_000, 1_800_000], allowedNetworks: ['10.0.0.0/8', 'fd00::/8'], timeoutMs: 10_000, allowAnyTarget: true });
    expect(config.mailBrand.primaryColor).toBe('#AABBCC');
    expect(config.alerts.operatorEmails).toEqual(['ops@example.com', 'cto@example.com']);
    expect(config.alerts.successRate.belowPercent).toBe(0);
    expect(config.reports.timeZone).toBe('America/Bogota');
    // The default schedule spans about three days.
    const total = loadConfig({}).webhooks.retryScheduleMs.reduce((a, b) => a + b, 0);
    expect(total / 86_400_000).toBeGreaterThan(2.9);
    expect(total / 86_400_000).toBeLessThan(3.3);
  });

  it('wants pairs set together: VAPID keys, Postmark webhook credentials', () => {
    expect(problems({ WEBPUSH_VAPID_PUBLIC_KEY: 'BPub' })).toEqual([expect.stringMatching(/^WEBPUSH_VAPID_PRIVATE_KEY: /)]);
    expect(problems({ POSTMARK_WEBHOOK_PASSWORD: 'pw' })).toEqual([expect.stringMatching(/^POSTMARK_WEBHOOK_USER: /)]);
  });

  it('derives the key mode from the gateway credentials', () => {
    const mode = (env: Record<string, string>) => loadConfig(env).keyMode;
    expect(mode({})).toBe('test');
    expect(mode({ SMARTPAY_SANDBOX: 'on', CULQI_SECRET_KEY: 'sk_live_abc' })).toBe('test');
    expect(mode({ CULQI_SECRET_KEY: 'sk_test_abc' })).toBe('test');
    expect(mode({ MERCADOPAGO_ACCESS_TOKEN: 'TEST-123-abc' })).toBe('test');
    expect(mode({ CULQI_SECRET_KEY: 'sk_live_abc' })).toBe('live');
    expect(mode({ MERCADOPAGO_ACCESS_TOKEN: 'APP_USR-123-abc' })).toBe('live');
  });

  describe('database check at start', () => {
    it('creates the SQLite directory', async () => {
      const path = join(scratch, 'nested', 'deeper', 'smartpay.db');
      await checkDatabase({ kind: 'sqlite', path });
      expect(existsSync(join(scratch, 'nested', 'deeper'))).toBe(true);
    });

    it('names DATABASE_URL when the SQLite path cannot be used', async () => {
      const file = join(scratch, 'a-file');
      writeFileSync(file, 'x');
      mkdirSync(join(scratch, 'a-dir.db'));
      await expect(checkDatabase({ kind: 'sqlite', path: join(file, 'smartpay.db') })).rejects.toThrow(/DATABASE_URL/);
      await expect(checkDatabase({ kind: 'sqlite', path: join(scratch, 'a-dir.db') })).rejects.toThrow(/DATABASE_URL: .* is a directory/);
    });

    it('names DATABASE_URL, and not its password, when the server refuses the connection', async () => {
      const err = await checkDatabase({ kind: 'mysql', url: 'mysql://app:hunter2secret@127.0.0.1:1/smartpay' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).message).toMatch(/DATABASE_URL: cannot connect/);
      expect((err as ConfigError).message).not.toContain('hunter2secret');
    });
  });
});
