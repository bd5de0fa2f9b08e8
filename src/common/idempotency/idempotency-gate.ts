import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import type { AuthedRequest } from '../auth/api-key.guard';
import { ApiError } from '../errors/api-error';
import { type ErrorCode, PRE_EFFECT_CODES } from '../errors/error-codes';
import { PROBLEM_CONTENT_TYPE, problemBody } from '../errors/problem';
import { requestIdFor } from '../http/request-id';
import type { ScopedRequest } from './idempotency-scope';
import { IdempotencyService } from './idempotency.service';
import { requestFingerprint } from './request-fingerprint';
import { StoredResponse } from './stored-response';

const PRINTABLE_KEY = /^[\x20-\x7e]{1,255}$/;

type GatedRequest = Request & AuthedRequest & ScopedRequest & { log?: Logger };

/** The response's own `send`, kept while the request's answer is to be stored on its way out. */
const UNHOOKED_SEND = Symbol('smartpay.idempotency.send');
type HookedResponse = Response & { [UNHOOKED_SEND]?: Response['send'] };

/**
 * Applies the Idempotency-Key header to every authenticated POST and PATCH (api.md, "Idempotency-Key").
 *
 * Not a Nest interceptor, on purpose: a global interceptor sends every route, with the header or without it,
 * through Nest's observable pipeline (rxjs streams and two async resources per request), about a tenth of a
 * credit consumption's CPU. The gate costs a header lookup without the header:
 * - `open` runs last in ApiKeyGuard, the only guard of /v1, so after authentication and rate limiting and before
 *   the pipes validate, where the interceptor ran. A new key's record begins; a stored answer is replayed.
 * - Whatever the request then answers, success or problem, is stored on its way out: the response's `send` is
 *   wrapped for this request only, and sends once the record holds the answer, so a retry that sees the
 *   answer never executes again.
 * - ProblemFilter calls `beforeProblem` first: an error raised before any effect (PRE_EFFECT_CODES) deletes the
 *   record instead, so the client can fix the request and reuse its key.
 */
@Injectable()
export class IdempotencyGate {
  constructor(private readonly idempotency: IdempotencyService) {}

  async open(req: GatedRequest, res: Response): Promise<void> {
    const key = req.headers['idempotency-key'];
    if ((req.method !== 'POST' && req.method !== 'PATCH') || key === undefined || !req.auth || req.idempotency) return;
    if (typeof key !== 'string' || !PRINTABLE_KEY.test(key)) {
      throw ApiError.validation([{ param: 'Idempotency-Key', message: 'must be 1–255 printable ASCII characters' }]);
    }
    const fingerprint = requestFingerprint(req.method, req.originalUrl, req.body);
    const outcome = await this.idempotency.begin(req.auth.appId, key, fingerprint);
    if (outcome.kind === 'replay') throw new StoredResponse(outcome.status, outcome.body);
    req.idempotency = { recordId: outcome.recordId, createdAt: outcome.createdAt };
    this.storeOnTheWayOut(req, res as HookedResponse, outcome.recordId);
  }

  /**
   * Called by ProblemFilter before it answers `code`: a pre-effect error releases the key (resolves once the
   * record is gone; a failure to delete is logged, and the key then waits out its lease). Null when the request
   * holds no record or the problem is to be stored like any answer.
   */
  beforeProblem(req: Request, res: Response, code: ErrorCode): Promise<void> | null {
    const scope = (req as GatedRequest).idempotency;
    const hooked = res as HookedResponse;
    if (!scope || !hooked[UNHOOKED_SEND] || !PRE_EFFECT_CODES.has(code)) return null;
    this.unhook(hooked);
    return this.idempotency.release(scope.recordId).catch((err: unknown) => {
      (req as GatedRequest).log?.error({ err }, 'releasing the Idempotency-Key failed; it stays in progress until its lease ends');
    });
  }

  private storeOnTheWayOut(req: GatedRequest, res: HookedResponse, recordId: string): void {
    res[UNHOOKED_SEND] = res.send;
    // Express's res.json and res.send(object) end in res.send(string), so this sees the exact body sent.
    res.send = ((body?: unknown) => {
      const send = this.unhook(res);
      const stored = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : body === undefined ? '' : JSON.stringify(body);
      this.idempotency
        .complete(recordId, res.statusCode, stored)
        .then(
          () => send.call(res, body),
          (err: unknown) => {
            // Not stored: answer 500 (the key stays in progress until its lease ends; a retry then executes
            // again and finds what this one did, as after a crash).
            req.log?.error({ err }, 'storing the idempotent response failed');
            const requestId = requestIdFor(req, res);
            send.call(res.status(500).type(PROBLEM_CONTENT_TYPE), JSON.stringify(problemBody(new ApiError('internal_error'), requestId)));
          },
        )
        // Sending after the wait: a socket already gone must not become an unhandled rejection.
        .catch((err: unknown) => req.log?.error({ err }, 'sending the stored response failed'));
      return res;
    }) as Response['send'];
  }

  /** Restores the response's own send; returns it. */
  private unhook(res: HookedResponse): Response['send'] {
    const send = res[UNHOOKED_SEND]!;
    res.send = send;
    delete res[UNHOOKED_SEND];
    return send;
  }
}
