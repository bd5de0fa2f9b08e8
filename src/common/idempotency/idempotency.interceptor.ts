import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor, RequestMethod } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { from, type Observable, throwError } from 'rxjs';
import { catchError, mergeMap } from 'rxjs/operators';
import type { AuthedRequest } from '../auth/api-key.guard';
import { ApiError } from '../errors/api-error';
import { PRE_EFFECT_CODES } from '../errors/error-codes';
import { problemBody, toApiError } from '../errors/problem';
import { requestIdFor } from '../http/request-id';
import { IdempotencyService } from './idempotency.service';
import { requestFingerprint } from './request-fingerprint';
import type { ScopedRequest } from './idempotency-scope';
import { StoredResponse } from './stored-response';

const PRINTABLE_KEY = /^[\x20-\x7e]{1,255}$/;

/**
 * Applies the Idempotency-Key header to every authenticated POST and PATCH (api.md, "Idempotency-Key").
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    const key = req.headers['idempotency-key'];
    if ((req.method !== 'POST' && req.method !== 'PATCH') || key === undefined || !req.auth) return next.handle();
    if (typeof key !== 'string' || !PRINTABLE_KEY.test(key)) {
      return throwError(
        () => ApiError.validation([{ param: 'Idempotency-Key', message: 'must be 1–255 printable ASCII characters' }]),
      );
    }
    const fingerprint = requestFingerprint(req.method, req.originalUrl, req.body);
    const successStatus = this.successStatus(context, req.method);
    const res = context.switchToHttp().getResponse<import('express').Response>();
    const requestId = requestIdFor(req, res);

    return from(this.idempotency.begin(req.auth.appId, key, fingerprint)).pipe(
      mergeMap((outcome) => {
        if (outcome.kind === 'replay') throw new StoredResponse(outcome.status, outcome.body);
        (req as AuthedRequest & ScopedRequest).idempotency = { recordId: outcome.recordId, createdAt: outcome.createdAt };
        return next.handle().pipe(
          mergeMap(async (body: unknown) => {
            await this.idempotency.complete(outcome.recordId, successStatus, JSON.stringify(body));
            return body;
          }),
          catchError(async (err: unknown) => {
            const apiError = toApiError(err);
            if (PRE_EFFECT_CODES.has(apiError.code)) await this.idempotency.release(outcome.recordId);
            else await this.idempotency.complete(outcome.recordId, apiError.status, JSON.stringify(problemBody(apiError, requestId)));
            throw err;
          }),
        );
      }),
    );
  }

  private successStatus(context: ExecutionContext, method: string): number {
    const explicit = this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler());
    return explicit ?? (method === RequestMethod[RequestMethod.POST] ? 201 : 200);
  }
}
