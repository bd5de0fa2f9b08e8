import { Collection } from '../collection';
import type { CardRecord, CulqiCharge, CulqiCustomer, CulqiEvent, CulqiOrder, CulqiRefund, TokenRecord } from './culqi-objects';

export interface CustomerRecord {
  customer: CulqiCustomer;
  deleted: boolean;
}

/** Everything the Culqi simulator holds, in memory, for its lifetime. */
export class CulqiStore {
  readonly tokens = new Collection<TokenRecord>((r) => r.token.id);
  readonly charges = new Collection<CulqiCharge>((c) => c.id);
  readonly refunds = new Collection<CulqiRefund>((r) => r.id);
  readonly customers = new Collection<CustomerRecord>((r) => r.customer.id);
  readonly cards = new Collection<CardRecord>((r) => r.card.id);
  readonly orders = new Collection<CulqiOrder>((o) => o.id);
  readonly events = new Collection<CulqiEvent>((e) => e.id);
}
