import type { EntityManager } from '@mikro-orm/core';
import { describe, expect, it } from 'vitest';
import { type AppSettings, withDefaults } from '../../src/apps/app-settings';
import type { AppsService } from '../../src/apps/apps.service';
import type { AppConfig } from '../../src/config/app-config';
import type { CreditPackageCatalog } from '../../src/credits/credit-packages';
import { Customer } from '../../src/customers/customer.entity';
import type { SqlSession } from '../../src/database/sql-session';
import { DomainEvent } from '../../src/events/domain-event.entity';
import { PaymentMethod } from '../../src/payment-methods/payment-method.entity';
import { packageName, purchaseLink } from '../../src/notifications/credits-email-models';
import { CustomerEmailsConsumer } from '../../src/notifications/customer-emails.consumer';
import { type Composed, EmailComposer } from '../../src/notifications/email-composer';
import type { InvoiceReplacedComposer } from '../../src/notifications/invoice-replaced-composer';
import type { EmailMessage } from '../../src/notifications/email-message.entity';
import type { EmailOutbox, EmailRequest } from '../../src/notifications/email-outbox';
import { ReceiptPolicy } from '../../src/notifications/receipt-policy';
import type { MailEndpointResolver } from '../../src/notifications/mail-endpoint';
import { EmailRenderer } from '../../src/notifications/email-renderer';
import type { CreditsLowBalanceModel, CreditsRenewalFailedModel } from '../../src/notifications/templates/email-models';
import { SAMPLE_BRAND } from '../support/email-samples';

/**
 * The credits e-mails from event to model, without a database: which events ask for them, who receives
 * them and what they say. Fakes answer only the calls the code is expected to make.
 */

const APP = 'app_01JF3Z0000000000000000000A';
const CUSTOMER = 'cus_01JF3Z0000000000000000000C';
const CARD = 'pm_01JF3Z0000000000000000000P';
const RENEWAL_ORDER = 'ord_01JF3ZP4T8W2Y6A0C4E8G2J6M0';
const AT = new Date('2026-12-04T15:15:00Z');

function event(type: string, data: Record<string, unknown>, id = 'evt_1'): DomainEvent {
  return Object.assign(new DomainEvent(), { id, appId: APP, type, resourceType: 'customer_credits', resourceId: CUSTOMER, data, dedupeKey: `${type}:${CUSTOMER}:1`, createdAt: AT });
}

function lowBalance(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    object: 'credit_balance',
    customer_id: CUSTOMER,
    balance: 40,
    low_balance_threshold: 50,
    lots: [
      { id: 'cl_1', kind: 'purchased', credits: 500, remaining: 30, expires_at: '2027-12-04T15:15:00.000Z', order_id: 'ord_1' },
      { id: 'cl_2', kind: 'bonus', credits: 50, remaining: 0, expires_at: '2027-06-01T15:15:00.000Z', order_id: 'ord_1' },
      { id: 'cl_3', kind: 'granted', credits: 10, remaining: 10, expires_at: null, order_id: null },
    ],
    auto_renewal: null,
    ...overrides,
  };
}

function renewalFailed(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    object: 'credit_renewal',
    customer_id: CUSTOMER,
    package: 'professional',
    currency: 'PEN',
    amount: 19900,
    payment_method_id: CARD,
    order_id: RENEWAL_ORDER,
    attempts: 4,
    failure: { code: 'card_declined', decline_code: 'insufficient_funds', message: 'Fondos insuficientes' },
    auto_renewal_disabled: true,
    balance: 12,
    ...overrides,
  };
}

describe('CustomerEmailsConsumer: credits events', () => {
  function consumer(enabled = true): { run: (events: DomainEvent[]) => Promise<EmailRequest[]> } {
    const requests: EmailRequest[] = [];
    const outbox = {
      enqueue: (_tx: SqlSession, request: EmailRequest) => {
        requests.push(request);
        return Promise.resolve(true);
      },
    };
    const c = new CustomerEmailsConsumer(outbox as unknown as EmailOutbox, { enabled } as MailEndpointResolver, new ReceiptPolicy());
    return {
      run: async (events) => {
        await c.consume({} as SqlSession, events);
        return requests;
      },
    };
  }

  it('asks for one e-mail per low-balance crossing and per failed renewal, keyed by the event', async () => {
    const low = event('credits.low_balance', lowBalance(), 'evt_low');
    const failed = event('credits.renewal_failed', renewalFailed(), 'evt_failed');
    const granted = event('credits.granted', { customer_id: CUSTOMER }, 'evt_granted');
    const requests = await consumer().run([low, failed, granted]);
    expect(requests).toEqual([
      { appId: APP, kind: 'credits_low_balance', dedupeKey: `credits_low_balance:${low.dedupeKey}`, eventId: 'evt_low', orderId: null, context: { event_id: 'evt_low' } },
      {
        appId: APP,
        kind: 'credits_renewal_failed',
        dedupeKey: `credits_renewal_failed:${failed.dedupeKey}`,
        eventId: 'evt_failed',
        orderId: RENEWAL_ORDER,
        context: { event_id: 'evt_failed' },
      },
    ]);
  });

  it('asks for nothing when the deployment sends no e-mail', async () => {
    expect(await consumer(false).run([event('credits.low_balance', lowBalance())])).toEqual([]);
  });
});

describe('EmailComposer: credits e-mails', () => {
  interface World {
    events?: DomainEvent[];
    customers?: Partial<Customer>[];
    cards?: Partial<PaymentMethod>[];
    settings?: Partial<AppSettings>;
  }

  /** A composer over in-memory rows: findOne matches every given field exactly (null included). */
  function composer(world: World): EmailComposer {
    const tables = new Map<unknown, object[]>([
      [DomainEvent, world.events ?? []],
      [Customer, (world.customers ?? []).map((c) => Object.assign(new Customer(), c))],
      [PaymentMethod, (world.cards ?? []).map((p) => Object.assign(new PaymentMethod(), p))],
    ]);
    const em = {
      fork: () => em,
      findOne: (entity: unknown, where: Record<string, unknown>) => {
        const rows = tables.get(entity);
        if (!rows) throw new Error('unexpected entity');
        return Promise.resolve(rows.find((row) => Object.entries(where).every(([key, value]) => (row as Record<string, unknown>)[key] === value)) ?? null);
      },
    };
    const apps = { settings: () => Promise.resolve({ name: 'SmartLite', settings: withDefaults(world.settings) }) };
    const names: Record<string, string> = { professional: 'Professional', pro_anual: 'Pro Anual' };
    const catalogue = { get: (code: string) => (code in names ? { name: names[code] } : null) };
    return new EmailComposer(em as unknown as EntityManager, apps as unknown as AppsService, catalogue as unknown as CreditPackageCatalog, { mailBrand: SAMPLE_BRAND } as AppConfig, {} as InvoiceReplacedComposer);
  }

  function email(kind: 'credits_low_balance' | 'credits_renewal_failed', eventId = 'evt_1'): EmailMessage {
    return { id: 'email_1', appId: APP, kind, context: { event_id: eventId } } as unknown as EmailMessage;
  }

  const ana = { id: CUSTOMER, appId: APP, email: 'ana@example.com', name: 'Ana Quispe', locale: 'es' as const };
  const visa = { id: CARD, appId: APP, customerId: CUSTOMER, brand: 'visa', last4: '1111', deletedAt: null };

  function sent<M>(composed: Composed): { to: string; locale: string; model: M } {
    if ('skip' in composed) throw new Error(`skipped: ${composed.skip}`);
    return composed as unknown as { to: string; locale: string; model: M };
  }

  it('low balance: to the customer of customer_id, in Spanish by default, with the lots, threshold and purchase link', async () => {
    const c = composer({ events: [event('credits.low_balance', lowBalance())], customers: [ana], settings: { payment_retry_url: 'https://shop.pe/creditos' } });
    const { to, locale, model } = sent<CreditsLowBalanceModel>(await c.compose(email('credits_low_balance')));
    expect({ to, locale }).toEqual({ to: 'ana@example.com', locale: 'es' });
    expect(model).toMatchObject({ kind: 'credits_low_balance', locale: 'es', customerName: 'Ana Quispe', balance: 40, threshold: 50, autoRenewal: null, purchaseUrl: 'https://shop.pe/creditos' });
    expect(model.lots).toEqual([
      { remaining: 30, expiresAt: new Date('2027-12-04T15:15:00.000Z') },
      { remaining: 0, expiresAt: new Date('2027-06-01T15:15:00.000Z') },
      { remaining: 10, expiresAt: null },
    ]);
    const rendered = await new EmailRenderer().render(model);
    expect(rendered.subject).toBe('Te quedan 40 créditos');
    expect(rendered.text).toContain('30 créditos el 4 de diciembre de 2027');
  });

  it('low balance: promises the renewal with the saved card, in English for an English-speaking customer', async () => {
    const renewal = { enabled: true, package: 'professional', currency: 'PEN', payment_method_id: CARD, threshold: 50, status: 'idle' };
    const c = composer({ events: [event('credits.low_balance', lowBalance({ auto_renewal: renewal }))], customers: [{ ...ana, locale: 'en' }], cards: [visa] });
    const { locale, model } = sent<CreditsLowBalanceModel>(await c.compose(email('credits_low_balance')));
    expect(locale).toBe('en');
    expect(model.autoRenewal).toEqual({ packageName: 'Professional', threshold: 50, card: { type: 'card', brand: 'visa', last4: '1111' } });
    expect((await new EmailRenderer().render(model)).subject).toBe('You have 40 credits left');
  });

  it('low balance: a disabled renewal promises nothing, and a per-order checkout link is not a purchase link', async () => {
    const renewal = { enabled: true, package: 'professional', currency: 'PEN', payment_method_id: CARD, threshold: 50, status: 'disabled' };
    const c = composer({
      events: [event('credits.low_balance', lowBalance({ auto_renewal: renewal }))],
      customers: [ana],
      cards: [visa],
      settings: { payment_retry_url: 'https://shop.pe/pagar/{order_id}' },
    });
    const { model } = sent<CreditsLowBalanceModel>(await c.compose(email('credits_low_balance')));
    expect(model.autoRenewal).toBeNull();
    expect(model.purchaseUrl).toBeNull();
    const off = composer({ events: [event('credits.low_balance', lowBalance({ auto_renewal: { ...renewal, enabled: false, status: 'idle' } }))], customers: [ana] });
    expect(sent<CreditsLowBalanceModel>(await off.compose(email('credits_low_balance'))).model.autoRenewal).toBeNull();
  });

  it('renewal failed: package, amount, attempts, reason, renewal off, balance and the card as the customer knows it', async () => {
    const c = composer({ events: [event('credits.renewal_failed', renewalFailed())], customers: [ana], cards: [visa] });
    const { to, model } = sent<CreditsRenewalFailedModel>(await c.compose(email('credits_renewal_failed')));
    expect(to).toBe('ana@example.com');
    expect(model).toEqual({
      kind: 'credits_renewal_failed',
      locale: 'es',
      brand: SAMPLE_BRAND,
      customerName: 'Ana Quispe',
      packageName: 'Professional',
      amount: 19900,
      currency: 'PEN',
      orderId: RENEWAL_ORDER,
      card: { type: 'card', brand: 'visa', last4: '1111' },
      attempts: 4,
      failure: { code: 'card_declined', declineCode: 'insufficient_funds' },
      autoRenewalDisabled: true,
      balance: 12,
      failedAt: AT,
    });
  });

  it('names a configured package the way the catalogue does; one the event names keeps that name', async () => {
    const configured = composer({ events: [event('credits.renewal_failed', renewalFailed({ package: 'pro_anual' }))], customers: [ana] });
    expect(sent<CreditsRenewalFailedModel>(await configured.compose(email('credits_renewal_failed'))).model.packageName).toBe('Pro Anual');
    const named = composer({ events: [event('credits.renewal_failed', renewalFailed({ package: 'pro_anual', package_name: 'Pro 2026' }))], customers: [ana] });
    expect(sent<CreditsRenewalFailedModel>(await named.compose(email('credits_renewal_failed'))).model.packageName).toBe('Pro 2026');
    const removed = composer({ events: [event('credits.renewal_failed', renewalFailed({ package: 'legacy_plan' }))], customers: [ana] });
    expect(sent<CreditsRenewalFailedModel>(await removed.compose(email('credits_renewal_failed'))).model.packageName).toBe('Legacy plan');
  });

  it('renewal failed: a removed card, or one of another customer, is not shown; a missing failure stays unknown', async () => {
    const c = composer({
      events: [event('credits.renewal_failed', renewalFailed({ failure: null, currency: 'USD', amount: 5400 }))],
      customers: [ana],
      cards: [{ ...visa, deletedAt: AT }],
    });
    const { model } = sent<CreditsRenewalFailedModel>(await c.compose(email('credits_renewal_failed')));
    expect(model).toMatchObject({ card: null, failure: null, currency: 'USD', amount: 5400 });
    const other = composer({ events: [event('credits.renewal_failed', renewalFailed())], customers: [ana], cards: [{ ...visa, customerId: 'cus_other' }] });
    expect(sent<CreditsRenewalFailedModel>(await other.compose(email('credits_renewal_failed'))).model.card).toBeNull();
  });

  it('skips when there is nobody to write to: no such customer, another app’s customer, or no address', async () => {
    const low = event('credits.low_balance', lowBalance());
    expect(await composer({ events: [low] }).compose(email('credits_low_balance'))).toEqual({ skip: 'no recipient: the customer is gone or has no e-mail' });
    expect(await composer({ events: [low], customers: [{ ...ana, appId: 'app_other' }] }).compose(email('credits_low_balance'))).toMatchObject({ skip: expect.stringContaining('no recipient') });
    expect(await composer({ events: [low], customers: [{ ...ana, email: '' }] }).compose(email('credits_low_balance'))).toMatchObject({ skip: expect.stringContaining('no recipient') });
    expect(await composer({ customers: [ana] }).compose(email('credits_low_balance'))).toEqual({ skip: 'the event is gone' });
  });
});

describe('credits e-mail helpers', () => {
  it('names a package by the first name known, else by its code', () => {
    expect(packageName('professional')).toBe('Professional');
    expect(packageName('basic', 'Básico', 'Basic')).toBe('Básico');
    expect(packageName('basic', undefined, 'Basic')).toBe('Basic');
    expect(packageName('enterprise', '  ', null)).toBe('Enterprise');
  });

  it('uses the app link to buy credits only when it names no particular order', () => {
    expect(purchaseLink(null)).toBeNull();
    expect(purchaseLink('https://shop.pe/pagar/{order_id}')).toBeNull();
    expect(purchaseLink('https://shop.pe/pagar?ref={reference}')).toBeNull();
    expect(purchaseLink('https://shop.pe/creditos')).toBe('https://shop.pe/creditos');
  });
});
