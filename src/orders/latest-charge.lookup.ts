import { Injectable } from '@nestjs/common';

type Reader = (chargeIds: string[]) => Promise<Map<string, object>>;

/**
 * How orders show their `latest_charge` inline without the orders module depending on charges:
 * the charges module provides the reader at startup (charges depend on orders, not the reverse).
 */
@Injectable()
export class LatestChargeLookup {
  private reader: Reader | null = null;

  provide(reader: Reader): void {
    this.reader = reader;
  }

  async byChargeId(chargeIds: (string | null)[]): Promise<Map<string, object>> {
    const ids = [...new Set(chargeIds.filter((id): id is string => id !== null))];
    if (ids.length === 0 || !this.reader) return new Map();
    return this.reader(ids);
  }
}
