import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { derivedId, type IdKind, newId } from '../ids';

/** The Idempotency-Key record a request executes under (absent without the header). */
export interface IdempotencyScope {
  recordId: string;
  /** When this use of the key began; a key reused after its retention gets a new one. */
  createdAt: Date;
}

export type ScopedRequest = { idempotency?: IdempotencyScope };

/** The current request's idempotency scope, or null. */
export const Idempotency = createParamDecorator((_: unknown, ctx: ExecutionContext): IdempotencyScope | null => {
  return ctx.switchToHttp().getRequest<ScopedRequest>().idempotency ?? null;
});

/**
 * The id of the resource a request creates. Under an Idempotency-Key it is derived from the key's
 * record, so a retry that runs again after the first attempt died (its lease expired before its answer
 * was stored) creates nothing new: it finds what the first attempt committed under the same id.
 */
export function scopedId(kind: IdKind, scope: IdempotencyScope | null): string {
  if (!scope) return newId(kind);
  return derivedId(kind, scope.createdAt, `${scope.recordId}:${scope.createdAt.getTime()}`);
}
