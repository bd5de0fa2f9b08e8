import pino, { type Logger } from 'pino';
import type { AppConfig } from '../../config/app-config';

/**
 * Paths masked in every log line. Bodies are never logged; these catch secrets that reach a log
 * call some other way (an error's context, a gateway response, a config fragment).
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
  '*.authorization',
  '*.Authorization',
  '*.api_key',
  '*.apiKey',
  '*.password',
  '*.passwordHash',
  '*.secret',
  '*.secret_key',
  '*.token',
  '*.access_token',
  '*.card_number',
  '*.cvv',
  '*.document_number',
  '*.documentNumber',
  '*.document.number',
];

/**
 * Database errors quote the failing SQL with its values (documents, e-mails): keep only the
 * database's own message, so a failed statement never copies customer data into the logs.
 */
export function serializeError(err: unknown): unknown {
  // A child logger's serializer may be handed an error pino's own already serialized: keep that one as is.
  const serialized = err instanceof Error ? pino.stdSerializers.err(err) : err;
  if (!serialized || typeof serialized !== 'object') return serialized;
  // Driver errors may carry the statement and its bound values as properties too.
  const { sql: _sql, parameters: _parameters, params: _params, ...base } = serialized as {
    message?: string;
    stack?: string;
    sql?: unknown;
    parameters?: unknown;
    params?: unknown;
  };
  if (typeof base.message !== 'string') return base;
  const message = withoutSql(base.message);
  return message === base.message ? base : { ...base, message, stack: base.stack?.replace(base.message, message) };
}

/**
 * An error message without the statement it quotes. MikroORM's knex errors lead with the statement
 * (`insert into … - Duplicate entry…`); the MariaDB connector's end with it (`(conn:19, no: 1064…) You
 * have an error…\nsql: insert … - parameters:[…]`).
 */
export function withoutSql(message: string): string {
  const sqlTail = / - (?!.* - )(.*)$/s.exec(message);
  if (/^(insert|update|delete|select|replace|create|alter|drop)\b/i.test(message) && sqlTail) return `[sql omitted] ${sqlTail[1]}`;
  const connectorSql = /\nsql: [\s\S]*$/.exec(message);
  const head = connectorSql ? `${message.slice(0, connectorSql.index)}\nsql: [omitted]` : message;
  // A syntax error quotes the statement from where it went wrong: `near '…values (…)' at line 1`.
  return head.replace(/ near '[\s\S]*' at line (\d+)/, ' near [omitted] at line $1');
}

/** Lines are written in blocks of this size at least (see createRootLogger)… */
const WRITE_BLOCK_BYTES = 4096;
/** …and nothing waits longer than this for its block. */
const FLUSH_EVERY_MS = 1000;
const ERROR_LEVEL = 50;

/**
 * The process's root logger: JSON lines to LOG_FILE or stdout, secrets masked (REDACT_PATHS).
 *
 * Lines go out in blocks of 4 KB rather than one write each: at hundreds of requests a second, a write per
 * access line (each a trip through libuv's thread pool and back) cost about a twelfth of a credit
 * consumption's CPU (bench/README, "Logging"). What that costs in freshness is bounded: a line waits at most a
 * second; a line at `error` or above sends its block at once (it is the line most worth having if the process
 * dies next); pino writes what is left synchronously when the process exits, crash or not. Only a SIGKILL
 * (or the kernel's OOM killer) can lose lines — at most the last second's below `error`.
 */
export function createRootLogger(config: AppConfig): Logger {
  const buffering = { sync: false, minLength: WRITE_BLOCK_BYTES, periodicFlush: FLUSH_EVERY_MS };
  const destination = config.log.file
    ? pino.destination({ dest: config.log.file, mkdir: true, ...buffering })
    : pino.destination({ dest: 1, ...buffering });
  // `destroyed` is SonicBoom's own flag (missing from its typings): flushing a closed stream throws.
  const closed = (): boolean => (destination as unknown as { destroyed: boolean }).destroyed;
  return pino(
    {
      level: config.log.level,
      base: { service: 'smartpay' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: serializeError },
      formatters: { level: (label) => ({ level: label }) },
      hooks: {
        logMethod(args, write, level) {
          write.apply(this, args);
          if (level >= ERROR_LEVEL && !closed()) destination.flush();
        },
      },
    },
    destination,
  );
}
