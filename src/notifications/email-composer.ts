import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import type { AppSettings } from '../apps/app-settings';
import { AppsService } from '../apps/apps.service';
import { Charge } from '../charges/charge.entity';
import { AppConfig } from '../config/app-config';
import { CreditPackageCatalog } from '../credits/credit-packages';
import { Customer } from '../customers/customer.entity';
import { DomainEvent } from '../events/domain-event.entity';
import { Invoice } from '../invoices/invoice.entity';
import { fullDocumentNumber } from '../invoices/invoice-document';
import { Order } from '../orders/order.entity';
import { PaymentMethod } from '../payment-methods/payment-method.entity';
import { type CreditsEmailContext, type LowBalanceSnapshot, lowBalanceModel, purchaseLink, type RenewalFailedSnapshot, renewalFailedModel } from './credits-email-models';
import type { CustomerEmailKind, EmailMessage } from './email-message.entity';
import { type Attachment, invoiceAttachments } from './invoice-attachments';
import { InvoiceReplacedComposer } from './invoice-replaced-composer';
import type { AlertModel, Brand, EmailModel, Locale, PaymentMethodView, SummaryModel } from './templates/email-models';

export type Composed = { skip: string } | { to: string; locale: Locale; model: EmailModel; attachments?: Attachment[] };

interface OrderSnapshot {
  id: string;
  amount: number;
  currency: 'PEN' | 'USD';
  amount_refunded: number;
  reference: string | null;
  description: string | null;
  customer_id: string | null;
  items: { description: string; quantity: number; unit_amount: number }[];
  paid_at: string | null;
  latest_charge: { id: string; created_at: string; payment_method: { type: string; brand: string | null; last4: string | null } | null; failure: { code: string; decline_code: string | null } | null } | null;
}

interface RefundSnapshot {
  id: string;
  order_id: string;
  amount: number;
  created_at: string;
}

/**
 * What an e-mail says and to whom, resolved when it is sent (not when it was asked for): the app's
 * current settings, the customer's current address and language. Customer e-mails are built from the
 * event's snapshot of the resource, so they describe what happened even if it changed since. This reads
 * orders, charges, customers and saved cards to describe them; it never writes them.
 */
@Injectable()
export class EmailComposer {
  private readonly brand: Brand;

  constructor(
    private readonly em: EntityManager,
    private readonly apps: AppsService,
    private readonly packages: CreditPackageCatalog,
    config: AppConfig,
    private readonly invoiceReplaced: InvoiceReplacedComposer,
  ) {
    this.brand = config.mailBrand;
  }

  async compose(email: EmailMessage): Promise<Composed> {
    switch (email.kind) {
      case 'receipt':
      case 'payment_failed':
      case 'refund':
        return this.customerEmail({ ...email, kind: email.kind });
      case 'credits_low_balance':
      case 'credits_renewal_failed':
        return this.creditsEmail({ ...email, kind: email.kind });
      case 'alert':
        return this.fromContext(email, { kind: 'alert', brand: this.brand, ...(email.context.model as Omit<AlertModel, 'kind' | 'brand' | 'openedAt'>), openedAt: new Date(String(email.context.opened_at)) });
      case 'summary':
        return this.fromContext(email, summaryModel(email, this.brand));
      case 'invoice_replaced':
        return this.invoiceReplaced.compose(email);
    }
  }

  private fromContext(email: EmailMessage, model: EmailModel): Composed {
    if (!email.toAddress) return { skip: 'no recipient' };
    return { to: email.toAddress, locale: (email.locale as Locale | null) ?? 'es', model: { ...model, locale: (email.locale as Locale | null) ?? 'es' } };
  }

  private async customerEmail(email: EmailMessage & { kind: 'receipt' | 'payment_failed' | 'refund' }): Promise<Composed> {
    const em = this.em.fork();
    const event = await em.findOne(DomainEvent, { id: String(email.context.event_id) });
    if (!event || !email.appId) return { skip: 'the event is gone' };
    const { settings } = await this.apps.settings(email.appId);
    if (!wants(settings, email.kind)) return { skip: `${email.kind} e-mails are switched off for this app (PATCH /v1/app)` };

    const order: OrderSnapshot | null = email.kind === 'refund' ? await this.orderOf(em, (event.data as unknown as RefundSnapshot).order_id) : (event.data as unknown as OrderSnapshot);
    if (!order) return { skip: 'the order is gone' };
    const chargeId = order.latest_charge?.id ?? null;
    const charge = chargeId ? await em.findOne(Charge, { id: chargeId }) : null;
    if (email.kind === 'payment_failed') {
      // A declined automatic credits renewal is retried on its own schedule; the customer hears of it once,
      // when renewal gives up (credits_renewal_failed), not at every attempt.
      if ((order as { metadata?: Record<string, string> }).metadata?.smartpay_renewal === 'true') {
        return { skip: 'an automatic credits renewal: its failure is told once, by the renewal-failed e-mail' };
      }
      if (charge && charge.sourceType !== 'payment_method' && charge.reconcileAttempts === 0) {
        // The buyer was at the checkout and saw the decline: an e-mail would only repeat it.
        return { skip: 'the customer saw the failure at checkout (only saved-card and asynchronous failures are e-mailed)' };
      }
      const now = await em.findOne(Order, { id: order.id }, { fields: ['status'] });
      // Paid by another attempt meanwhile (or canceled): "we could not charge you" would only confuse.
      if (now && !['pending', 'processing', 'requires_action', 'expired'].includes(now.status)) return { skip: `the order is ${now.status} now` };
    }
    const customer = order.customer_id ? await em.findOne(Customer, { id: order.customer_id }) : null;
    const to = customer?.email ?? charge?.email ?? null;
    if (!to) return { skip: 'no recipient: the order has no customer and no charge e-mail' };
    const locale: Locale = customer?.locale ?? 'es';
    const common = {
      locale,
      brand: this.brand,
      customerName: customer?.name ?? null,
      currency: order.currency,
      orderId: order.id,
      reference: order.reference,
      description: order.description,
      paymentMethod: paymentMethodView(order.latest_charge?.payment_method ?? null),
    };
    switch (email.kind) {
      case 'receipt': {
        const invoice = typeof email.context.invoice_id === 'string' ? await em.findOne(Invoice, { id: email.context.invoice_id }) : null;
        return {
          to,
          locale,
          // The invoice that releases a receipt travels with it (receipt-policy.ts).
          attachments: invoice ? await invoiceAttachments(invoice, this.brand) : undefined,
          model: {
            ...common,
            kind: 'receipt',
            amount: order.amount,
            items: order.items.map((i) => ({ description: i.description, quantity: i.quantity, unitAmount: i.unit_amount })),
            paidAt: new Date(order.paid_at ?? event.createdAt),
            chargeId: chargeId ?? '',
            invoice: invoice ? { fullNumber: fullDocumentNumber(invoice.series, invoice.number), attached: true } : null,
          },
        };
      }
      case 'payment_failed':
        return {
          to,
          locale,
          model: {
            ...common,
            kind: 'payment_failed',
            amount: order.amount,
            failure: { code: order.latest_charge?.failure?.code ?? 'card_declined', declineCode: order.latest_charge?.failure?.decline_code ?? null },
            attemptedAt: new Date(order.latest_charge?.created_at ?? event.createdAt),
            retryUrl: retryLink(settings.payment_retry_url, order),
          },
        };
      default: {
        const refund = event.data as unknown as RefundSnapshot;
        return {
          to,
          locale,
          model: { ...common, kind: 'refund', amount: refund.amount, orderAmount: order.amount, amountRefundedTotal: order.amount_refunded, refundId: refund.id, refundedAt: event.createdAt },
        };
      }
    }
  }

  /**
   * A credits notice goes to the customer the credits belong to (the event's `customer_id`), in that
   * customer's language: there is no order or charge e-mail to fall back on.
   */
  private async creditsEmail(email: EmailMessage & { kind: 'credits_low_balance' | 'credits_renewal_failed' }): Promise<Composed> {
    const em = this.em.fork();
    const event = await em.findOne(DomainEvent, { id: String(email.context.event_id) });
    if (!event || !email.appId) return { skip: 'the event is gone' };
    const { settings } = await this.apps.settings(email.appId);
    if (!wants(settings, email.kind)) return { skip: `${email.kind} e-mails are switched off for this app (PATCH /v1/app)` };

    const customerId = typeof event.data.customer_id === 'string' ? event.data.customer_id : event.resourceType === 'customer_credits' ? event.resourceId : null;
    // Scoped to the e-mail's app: an event can never address another app's customer.
    const customer = customerId ? await em.findOne(Customer, { id: customerId, appId: email.appId }) : null;
    if (!customer?.email) return { skip: 'no recipient: the customer is gone or has no e-mail' };
    const locale: Locale = customer.locale === 'en' ? 'en' : 'es';
    const paymentMethodId = email.kind === 'credits_low_balance' ? (event.data as unknown as LowBalanceSnapshot).auto_renewal?.payment_method_id : (event.data as unknown as RenewalFailedSnapshot).payment_method_id;
    const who: CreditsEmailContext = {
      locale,
      brand: this.brand,
      customerName: customer.name,
      card: await this.savedCard(em, customer, paymentMethodId ?? null),
      catalogueName: (code) => this.packages.get(code)?.name ?? null,
    };
    const model =
      email.kind === 'credits_low_balance'
        ? lowBalanceModel(event.data as unknown as LowBalanceSnapshot, who, purchaseLink(settings.payment_retry_url))
        : renewalFailedModel(event.data as unknown as RenewalFailedSnapshot, who, event.createdAt);
    return { to: customer.email, locale, model };
  }

  /** The renewal card as the customer knows it (`Visa •••• 1111`); null when it was removed since. */
  private async savedCard(em: EntityManager, customer: Customer, paymentMethodId: string | null): Promise<PaymentMethodView | null> {
    if (!paymentMethodId) return null;
    const pm = await em.findOne(PaymentMethod, { id: paymentMethodId, appId: customer.appId, customerId: customer.id, deletedAt: null });
    return pm ? { type: 'card', brand: pm.brand, last4: pm.last4 } : null;
  }

  /** The order as it stands now (a refund e-mail shows the total refunded so far). */
  private async orderOf(em: EntityManager, orderId: string): Promise<OrderSnapshot | null> {
    const order = await em.findOne(Order, { id: orderId });
    if (!order) return null;
    const charge = order.latestChargeId ? await em.findOne(Charge, { id: order.latestChargeId }) : null;
    return {
      id: order.id,
      amount: order.amount,
      currency: order.currency,
      amount_refunded: order.amountRefunded,
      reference: order.reference,
      description: order.description,
      customer_id: order.customerId,
      items: order.items,
      paid_at: order.paidAt?.toISOString() ?? null,
      latest_charge: charge
        ? { id: charge.id, created_at: charge.createdAt.toISOString(), payment_method: chargeMethod(charge), failure: null }
        : null,
    };
  }
}

/**
 * Whether the app wants this customer e-mail. The credits notices have no switch in the app's settings yet,
 * so they go out unless a switch, once added, says `false`.
 */
function wants(settings: AppSettings, kind: CustomerEmailKind): boolean {
  const switches: Partial<Record<CustomerEmailKind, boolean>> = settings.customer_emails;
  return switches[kind] !== false;
}

function paymentMethodView(pm: { type: string; brand: string | null; last4: string | null } | null): PaymentMethodView {
  if (!pm) return { type: 'other', brand: null, last4: null };
  return { type: pm.type === 'card' || pm.type === 'yape' ? pm.type : 'other', brand: pm.brand, last4: pm.last4 };
}

function chargeMethod(c: Charge): { type: string; brand: string | null; last4: string | null } {
  return c.sourceType === 'yape_token' ? { type: 'yape', brand: null, last4: null } : { type: 'card', brand: c.cardBrand, last4: c.cardLast4 };
}

/** The app's checkout link for this order, or null. */
function retryLink(template: string | null, order: OrderSnapshot): string | null {
  if (!template) return null;
  return template.replaceAll('{order_id}', encodeURIComponent(order.id)).replaceAll('{reference}', encodeURIComponent(order.reference ?? ''));
}

function summaryModel(email: EmailMessage, brand: Brand): SummaryModel {
  const m = email.context.model as Omit<SummaryModel, 'kind' | 'brand' | 'from' | 'to'> & { from: string; to: string };
  return { ...m, kind: 'summary', brand, from: new Date(m.from), to: new Date(m.to) };
}
