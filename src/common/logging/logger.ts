import type { IncomingMessage, ServerResponse } from 'node:http';
import pino, { type Logger } from 'pino';
import { pinoHttp, type HttpLogger } from 'pino-http';
import type { AppConfig } from '../../config/app-config';
import { requestIdFor } from '../http/request-id';

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
  // pino-http hands its serializers an error already serialized by pino's own: keep that one as is.
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

export function createRootLogger(config: AppConfig): Logger {
  const destination = config.log.file
    ? pino.destination({ dest: config.log.file, sync: false, mkdir: true })
    : pino.destination({ dest: 1, sync: false });
  return pino(
    {
      level: config.log.level,
      base: { service: 'smartpay' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: serializeError },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

/** One access-log line per request, with the request id; no headers or bodies. */
export function createHttpLogger(logger: Logger): HttpLogger {
  return pinoHttp({
    logger,
    genReqId: (req: IncomingMessage, res: ServerResponse) => requestIdFor(req, res),
    // The quiet request logger is `logger.child({ request_id })`: it is what req.log (and so every
    // application log line of the request, via nestjs-pino) uses, and the access line derives from it.
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'request_id' },
    serializers: {
      req: (req: { method: string; url: string }) => ({ method: req.method, path: req.url.split('?')[0] }),
      res: (res: { statusCode: number }) => ({ status: res.statusCode }),
      // pino-http's child loggers (req.log, which nestjs-pino uses in requests) would otherwise fall
      // back to pino's default error serializer and log failed SQL with its values.
      err: serializeError,
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    customSuccessMessage: (req, res) => `${req.method} ${req.url?.split('?')[0]} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${req.url?.split('?')[0]} ${res.statusCode}`,
    autoLogging: { ignore: (req) => req.url === '/health/live' || req.url === '/metrics' },
  });
}
