import { mkdirSync, appendFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Which database this run of the suite targets: `TEST_DB=sqlite` (default) or `TEST_DB=mysql`. */
export const TEST_DB: 'sqlite' | 'mysql' = process.env.TEST_DB === 'mysql' ? 'mysql' : 'sqlite';

/** Server URL for MariaDB/MySQL runs, e.g. mysql://root@127.0.0.1:3306/ (each suite creates its own database). */
export const MYSQL_SERVER_URL = process.env.SMARTPAY_TEST_MYSQL_URL;

export const OUTPUT_DIR = resolve(__dirname, '..', '..', 'test-output');
export const LOG_DIR = join(OUTPUT_DIR, 'logs');
const SECRETS_FILE = join(OUTPUT_DIR, 'issued-secrets.txt');

/**
 * Every secret the suite creates (API keys, passwords) is written here, so the leak check that
 * runs after the suite can grep all captured logs for each one.
 */
export function recordSecret(secret: string): void {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  appendFileSync(SECRETS_FILE, `${secret}\n`);
}

export const SECRETS_PATH = SECRETS_FILE;
