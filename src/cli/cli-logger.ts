import pino, { type Logger } from 'pino';
import type { AppConfig } from '../config/app-config';
import { REDACT_PATHS, serializeError } from '../common/logging/logger';

/**
 * The CLI's log: JSON lines like the server's, but on stderr (stdout carries only the command's
 * result) or in LOG_FILE. A terminal user gets warnings only unless LOG_LEVEL or LOG_FILE asks for more.
 */
export function createCliLogger(config: AppConfig, env: NodeJS.ProcessEnv = process.env): Logger {
  const level = (env.LOG_LEVEL || config.log.file) ? config.log.level : 'warn';
  const destination = config.log.file
    ? pino.destination({ dest: config.log.file, sync: true, mkdir: true })
    : pino.destination({ dest: 2, sync: true });
  return pino(
    {
      level,
      base: { service: 'smartpay', component: 'cli' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: serializeError },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
