import { AdminAuditEntry } from '../admin/admin-audit-entry.entity';
import { AdminSession } from '../admin/admin-session.entity';
import { AdminUser } from '../apps/admin-user.entity';
import { ApiKey } from '../apps/api-key.entity';
import { App } from '../apps/app.entity';
import { IdempotencyRecord } from '../common/idempotency/idempotency-record.entity';
import { Customer } from '../customers/customer.entity';
import { Charge } from '../charges/charge.entity';
import { GatewayWebhook } from '../gateway-webhooks/gateway-webhook.entity';
import { GatewayCall } from '../gateways/http/gateway-call.entity';
import { Job } from '../jobs/job.entity';
import { Order } from '../orders/order.entity';
import { PaymentMethod } from '../payment-methods/payment-method.entity';
import { ReconciliationRun } from '../reconciliation/reconciliation-run.entity';
import { Refund } from '../refunds/refund.entity';
import { Alert } from '../alerts/alert.entity';
import { PushSubscription } from '../alerts/push-subscription.entity';
import { DomainEvent } from '../events/domain-event.entity';
import { EventDelivery } from '../webhooks/event-delivery.entity';
import { EventDeliveryAttempt } from '../webhooks/event-delivery-attempt.entity';
import { WebhookEndpoint } from '../webhooks/webhook-endpoint.entity';
import { EmailMessage } from '../notifications/email-message.entity';
import { EmailSuppression } from '../notifications/email-suppression.entity';
import { EmailWebhookEvent } from '../notifications/email-webhook-event.entity';
import { CreditAccount } from '../credits/credit-account.entity';
import { CreditLot } from '../credits/credit-lot.entity';
import { Invoice } from '../invoices/invoice.entity';
import { InvoiceSequence } from '../invoices/invoice-sequence.entity';
import { InvoiceSummary } from '../invoices/summary/invoice-summary.entity';
import { CreditTransaction } from '../credits/credit-transaction.entity';
import { SystemSetting } from './system-setting.entity';
import { ReportChargeDay, ReportChargeHour, ReportDirtyHour, ReportLatencyDay, ReportLatencyHour, ReportRollupState } from '../reports/rollups/report-rollup.entities';

/** Every entity, listed explicitly: no folder scanning at startup, identical in src/ and dist/. */
export const ENTITIES = [
  App,
  ApiKey,
  AdminUser,
  AdminSession,
  AdminAuditEntry,
  IdempotencyRecord,
  Customer,
  Order,
  Charge,
  GatewayCall,
  PaymentMethod,
  Refund,
  ReconciliationRun,
  Job,
  GatewayWebhook,
  SystemSetting,
  DomainEvent,
  WebhookEndpoint,
  EventDelivery,
  EventDeliveryAttempt,
  EmailMessage,
  EmailSuppression,
  EmailWebhookEvent,
  Alert,
  PushSubscription,
  CreditAccount,
  CreditLot,
  CreditTransaction,
  Invoice,
  InvoiceSequence,
  InvoiceSummary,
  ReportChargeHour,
  ReportLatencyHour,
  ReportLatencyDay,
  ReportChargeDay,
  ReportRollupState,
  ReportDirtyHour,
];
