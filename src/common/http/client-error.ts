import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { ApiError } from '../errors/api-error';
import { PROBLEM_CONTENT_TYPE, problemBody } from '../errors/problem';

const DETAILS: Record<string, string> = {
  HPE_INVALID_METHOD: 'Unknown HTTP method',
  HPE_HEADER_OVERFLOW: 'The request headers are too large',
  HPE_INVALID_HEADER_TOKEN: 'A request header is malformed',
  ERR_HTTP_REQUEST_TIMEOUT: 'The request was not received in time',
};

/**
 * Requests Node's HTTP parser rejects (unknown methods, broken headers) never reach Express; by
 * default Node answers them with a bare 400. Answer them as problem+json with a request id instead.
 * The raw packet is never logged: it may hold the Authorization header.
 */
export function answerClientErrorsAsProblems(server: Server, logger: Logger): void {
  server.on('clientError', (err: Error & { code?: string }, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const requestId = `req_${randomUUID()}`;
    const detail = DETAILS[err.code ?? ''] ?? 'The request is not valid HTTP/1.1';
    const body = JSON.stringify(problemBody(new ApiError('validation_error', detail), requestId));
    logger.warn({ request_id: requestId, code: err.code }, `malformed HTTP request: ${detail}`);
    socket.end(
      [
        'HTTP/1.1 400 Bad Request',
        `Content-Type: ${PROBLEM_CONTENT_TYPE}`,
        `Content-Length: ${Buffer.byteLength(body)}`,
        `X-Request-Id: ${requestId}`,
        'Connection: close',
        '',
        body,
      ].join('\r\n'),
    );
  });
}
