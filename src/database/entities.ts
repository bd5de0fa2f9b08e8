import { AdminUser } from '../apps/admin-user.entity';
import { ApiKey } from '../apps/api-key.entity';
import { App } from '../apps/app.entity';
import { IdempotencyRecord } from '../common/idempotency/idempotency-record.entity';
import { Customer } from '../customers/customer.entity';
import { Order } from '../orders/order.entity';

/** Every entity, listed explicitly: no folder scanning at startup, identical in src/ and dist/. */
export const ENTITIES = [App, ApiKey, AdminUser, IdempotencyRecord, Customer, Order];
