import { randomInt } from 'node:crypto';
import { Collection } from '../collection';
import type { SimResponse } from '../sim-types';
import type { CardRecord, CustomerRecord, PaymentRecord, TokenRecord } from './mp-objects';

/** Everything the Mercado Pago simulator holds, in memory, for its lifetime. */
export class MpStore {
  readonly tokens = new Collection<TokenRecord>((r) => r.token.id);
  readonly payments = new Collection<PaymentRecord>((r) => String(r.json.id));
  readonly customers = new Collection<CustomerRecord>((r) => r.customer.id);
  readonly cards = new Collection<CardRecord>((r) => r.card.id);
  /** Stored answers by `<method> <path>|<X-Idempotency-Key>`: a repeated key replays, never re-executes. */
  readonly idempotency = new Map<string, SimResponse>();
  // int64 ids in the 11-digit range the docs show (17014025134), unique per simulator.
  private paymentId = 10_000_000_000 + randomInt(0, 2 ** 40);
  private refundId = 1_000_000_000 + randomInt(0, 2 ** 30);
  private notificationId = 100_000_000_000 + randomInt(0, 2 ** 40);

  nextPaymentId(): number {
    this.paymentId += randomInt(1, 20);
    return this.paymentId;
  }

  nextRefundId(): number {
    this.refundId += randomInt(1, 20);
    return this.refundId;
  }

  nextNotificationId(): number {
    this.notificationId += 1;
    return this.notificationId;
  }
}
