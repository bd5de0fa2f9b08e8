import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOG_DIR, SECRETS_PATH } from '../support/test-env';

/**
 * Runs after every other suite of `npm test` (SQLite and MariaDB passes): every API key and password
 * the suites issued must be absent from every log line they produced.
 */
describe('logs of the whole test run', () => {
  const secrets = existsSync(SECRETS_PATH)
    ? [...new Set(readFileSync(SECRETS_PATH, 'utf8').split('\n').filter((s) => s.length >= 12))]
    : [];
  const logFiles = existsSync(LOG_DIR) ? readdirSync(LOG_DIR).filter((f) => f.endsWith('.log')) : [];

  it('were captured, with secrets issued during the run', () => {
    expect(secrets.length).toBeGreaterThan(0);
    expect(logFiles.length).toBeGreaterThan(0);
  });

  it('contain no API key, password or bearer header', () => {
    const leaks: string[] = [];
    let lines = 0;
    for (const file of logFiles) {
      const text = readFileSync(join(LOG_DIR, file), 'utf8');
      lines += text.split('\n').length;
      for (const secret of secrets) if (text.includes(secret)) leaks.push(`${file}: ${secret.slice(0, 8)}…`);
      if (/Bearer sk_/.test(text)) leaks.push(`${file}: a bearer header`);
      if (/sk_(test|live)_[A-Za-z0-9]{32,}/.test(text)) leaks.push(`${file}: a full API key`);
    }
    expect(lines).toBeGreaterThan(0);
    expect(leaks).toEqual([]);
  });
});
