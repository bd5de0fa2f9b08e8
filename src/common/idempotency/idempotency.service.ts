import { EntityManager, UniqueConstraintViolationException } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { EntityRows } from '../../database/entity-rows';
import { SqlRunner } from '../../database/sql-runner';
import { Clock } from '../clock';
import { ApiError } from '../errors/api-error';
import { newId } from '../ids';
import { sha256Hex } from '../secrets';
import { IdempotencyRecord } from './idempotency-record.entity';

export type BeginOutcome =
  | { kind: 'execute'; recordId: string; createdAt: Date }
  | { kind: 'replay'; status: number; body: string };

/**
 * Idempotency-Key bookkeeping. The first request inserts the (app, key) row and executes; every
 * concurrent twin hits the unique constraint instead of racing a read. A row whose lease ran out
 * (its request died) or whose 24 h passed is taken over with a conditional UPDATE, so exactly one
 * waiting request wins it.
 */
@Injectable()
export class IdempotencyService {
  constructor(
    private readonly em: EntityManager,
    private readonly sql: SqlRunner,
    private readonly rows: EntityRows,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async begin(appId: string, key: string, fingerprint: string): Promise<BeginOutcome> {
    const keyHash = sha256Hex(key);
    const now = this.clock.now();
    const { leaseMs, ttlMs } = this.config.idempotency;
    try {
      const id = newId('idempotency');
      // The common case (a new key) is one plain INSERT; the rare takeover paths below use the ORM.
      await this.rows.insert(this.sql, IdempotencyRecord, {
        id,
        appId,
        keyHash,
        fingerprint,
        state: 'in_progress',
        lockedUntil: new Date(now.getTime() + leaseMs),
        responseStatus: null,
        responseBody: null,
        createdAt: now,
        expiresAt: new Date(now.getTime() + ttlMs),
      });
      return { kind: 'execute', recordId: id, createdAt: now };
    } catch (err) {
      if (!(err instanceof UniqueConstraintViolationException)) throw err;
    }

    // The key exists: only now is an EntityManager needed (the new-key path above never uses one).
    const em = this.em.fork();
    const existing = await em.findOne(IdempotencyRecord, { appId, keyHash });
    if (!existing) throw new ApiError('idempotency_request_in_progress', 'Retry the request: its key was just released');

    if (existing.expiresAt <= now) {
      // The stored answer is older than the retention period: the key is free for a new request.
      const taken = await em.nativeUpdate(
        IdempotencyRecord,
        { id: existing.id, expiresAt: { $lte: now } },
        {
          fingerprint,
          state: 'in_progress',
          lockedUntil: new Date(now.getTime() + leaseMs),
          responseStatus: null,
          responseBody: null,
          createdAt: now,
          expiresAt: new Date(now.getTime() + ttlMs),
        },
      );
      if (taken === 1) return { kind: 'execute', recordId: existing.id, createdAt: now };
      throw new ApiError('idempotency_request_in_progress');
    }
    if (existing.fingerprint !== fingerprint) {
      throw new ApiError('idempotency_key_reused', 'This Idempotency-Key was already used with a different method, path or body');
    }
    if (existing.state === 'completed' && existing.responseStatus !== null && existing.responseBody !== null) {
      return { kind: 'replay', status: existing.responseStatus, body: existing.responseBody };
    }
    if (existing.lockedUntil > now) {
      throw new ApiError('idempotency_request_in_progress', 'A request with this Idempotency-Key is still executing; retry later');
    }
    const taken = await em.nativeUpdate(
      IdempotencyRecord,
      { id: existing.id, state: 'in_progress', lockedUntil: { $lte: now } },
      { lockedUntil: new Date(now.getTime() + leaseMs) },
    );
    // The same use of the key as the request that died: same createdAt, so the same resource ids.
    if (taken === 1) return { kind: 'execute', recordId: existing.id, createdAt: existing.createdAt };
    throw new ApiError('idempotency_request_in_progress');
  }

  async complete(recordId: string, status: number, body: string): Promise<void> {
    await this.sql.run("update idempotency_keys set state = 'completed', response_status = ?, response_body = ? where id = ? and state = 'in_progress'", [
      status,
      body,
      recordId,
    ]);
  }

  /** Frees a key whose request was rejected before any effect. */
  async release(recordId: string): Promise<void> {
    await this.em.fork().nativeDelete(IdempotencyRecord, { id: recordId, state: 'in_progress' });
  }

  /** Deletes keys past their retention; returns how many. */
  async purgeExpired(batch = 1000): Promise<number> {
    const em = this.em.fork();
    const now = this.clock.now();
    const rows = await em.find(IdempotencyRecord, { expiresAt: { $lte: now } }, { fields: ['id'], limit: batch });
    if (rows.length === 0) return 0;
    return em.nativeDelete(IdempotencyRecord, { id: { $in: rows.map((r) => r.id) }, expiresAt: { $lte: now } });
  }
}
