import { Injectable } from '@nestjs/common';
import type { SqlSession } from '../database/sql-session';

type Reader = (chargeIds: string[]) => Promise<Map<string, object>>;
/** Reads one charge on the caller's transaction (event snapshots are built inside it). */
type SessionReader = (session: SqlSession, chargeId: string) => Promise<object | null>;

/**
 * How orders show their `latest_charge` inline without the orders module depending on charges:
 * the charges module provides the reader at startup (charges depend on orders, not the reverse).
 */
@Injectable()
export class LatestChargeLookup {
  private reader: Reader | null = null;
  private sessionReader: SessionReader | null = null;

  provide(reader: Reader, sessionReader: SessionReader): void {
    this.reader = reader;
    this.sessionReader = sessionReader;
  }

  async inSession(session: SqlSession, chargeId: string | null): Promise<object | null> {
    if (chargeId === null || !this.sessionReader) return null;
    return this.sessionReader(session, chargeId);
  }

  async byChargeId(chargeIds: (string | null)[]): Promise<Map<string, object>> {
    const ids = [...new Set(chargeIds.filter((id): id is string => id !== null))];
    if (ids.length === 0 || !this.reader) return new Map();
    return this.reader(ids);
  }
}
