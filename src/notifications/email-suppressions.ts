import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { sha256Hex } from '../common/secrets';
import { EntityRows } from '../database/entity-rows';
import type { SqlSession } from '../database/sql-session';
import { EmailSuppression, type SuppressionReason } from './email-suppression.entity';

const hashOf = (address: string): string => sha256Hex(address.trim().toLowerCase());

/** Addresses SmartPay no longer e-mails because Postmark marked them inactive. */
@Injectable()
export class EmailSuppressions {
  constructor(
    private readonly em: EntityManager,
    private readonly rows: EntityRows,
    private readonly clock: Clock,
  ) {}

  async isSuppressed(address: string): Promise<SuppressionReason | null> {
    const found = await this.em.fork().findOne(EmailSuppression, { addressHash: hashOf(address) });
    return found?.reason ?? null;
  }

  /** Adds the address (once; the first reason is kept) on the caller's transaction. */
  async add(tx: SqlSession, address: string, reason: SuppressionReason, source: string | null): Promise<void> {
    await this.rows.insertIgnore(tx, EmailSuppression, [
      { addressHash: hashOf(address), address: address.trim().toLowerCase().slice(0, 254), reason, source: source?.slice(0, 64) ?? null, createdAt: this.clock.now() },
    ]);
  }
}
