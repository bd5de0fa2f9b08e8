import { EntityManager, UniqueConstraintViolationException } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import type { AuthedCaller } from '../common/auth/api-key.guard';
import { Clock } from '../common/clock';
import { ApiError } from '../common/errors/api-error';
import { isId, newId } from '../common/ids';
import { type IdempotencyScope, scopedId } from '../common/idempotency/idempotency-scope';
import { decodeCursor, toPage, type ListPage } from '../common/pagination/cursor-page';
import { type BillingPreferences, Customer } from './customer.entity';
import type { CreateCustomerInput, ListCustomersQuery, UpdateCustomerInput } from './customer.schemas';
import { presentCustomer, type CustomerObject } from './customer.presenter';

const normalizeEmail = (email: string): string => email.trim().toLowerCase();

/** Customers of an app: identity documents, billing preferences, lookup by e-mail. */
@Injectable()
export class CustomersService {
  constructor(
    private readonly em: EntityManager,
    private readonly clock: Clock,
  ) {}

  async create(caller: AuthedCaller, input: CreateCustomerInput, scope: IdempotencyScope | null = null): Promise<CustomerObject> {
    const customer = this.build(caller.appId, input, scopedId('customer', scope));
    try {
      await this.em.insert(Customer, customer);
    } catch (err) {
      // A retry of an Idempotency-Key whose first attempt created this customer and then died: the
      // unique e-mail already prevents a duplicate, but the client deserves its customer, not a 409.
      const committed = scope && err instanceof UniqueConstraintViolationException ? await this.em.fork().findOne(Customer, { id: customer.id, appId: caller.appId }) : null;
      if (committed) return presentCustomer(committed);
      if (err instanceof UniqueConstraintViolationException) {
        const existing = await this.findByEmail(caller.appId, input.email);
        throw new ApiError('customer_email_taken', `Customer ${existing?.id ?? ''} already has this e-mail`.replace('  ', ' '), {
          param: 'email',
        });
      }
      throw err;
    }
    return presentCustomer(customer);
  }

  async update(caller: AuthedCaller, id: string, input: UpdateCustomerInput): Promise<CustomerObject> {
    const customer = await this.load(caller, id);
    if (input.email !== undefined) {
      customer.email = input.email.trim();
      customer.emailNormalized = normalizeEmail(input.email);
    }
    if (input.name !== undefined) customer.name = input.name;
    if (input.phone !== undefined) customer.phone = input.phone;
    if (input.document !== undefined) {
      customer.documentType = input.document?.type ?? null;
      customer.documentNumber = input.document?.number ?? null;
    }
    if (input.billing !== undefined) customer.billing = { ...customer.billing, ...input.billing };
    if (input.metadata !== undefined) customer.metadata = input.metadata;
    if (input.locale !== undefined) customer.locale = input.locale;
    assertBillingConsistent(customer);
    customer.updatedAt = this.clock.now();
    try {
      await this.em.flush();
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) {
        throw new ApiError('customer_email_taken', 'Another customer already has this e-mail', { param: 'email' });
      }
      throw err;
    }
    return presentCustomer(customer);
  }

  async get(caller: AuthedCaller, id: string): Promise<CustomerObject> {
    return presentCustomer(await this.load(caller, id));
  }

  /** 404 unless the customer exists in the caller's app. */
  async load(caller: AuthedCaller, id: string): Promise<Customer> {
    if (!isId('customer', id)) throw ApiError.notFound('customer');
    const customer = await this.em.findOne(Customer, { id, appId: caller.appId });
    if (!customer) throw ApiError.notFound('customer');
    return customer;
  }

  async list(caller: AuthedCaller, query: ListCustomersQuery): Promise<ListPage<CustomerObject>> {
    const before = decodeCursor(query.cursor, 'customer');
    const rows = await this.em.find(
      Customer,
      {
        appId: caller.appId,
        ...(query.email !== undefined ? { emailNormalized: normalizeEmail(query.email) } : {}),
        ...(before !== undefined ? { id: { $lt: before } } : {}),
      },
      { orderBy: { id: 'desc' }, limit: query.limit + 1 },
    );
    return toPage(rows, query.limit, presentCustomer);
  }

  /**
   * The app's customer with this e-mail, created when missing (an order's inline `customer`).
   * Concurrent callers race on the unique (app, e-mail) index; the loser reads the winner's row.
   */
  async findOrCreate(caller: AuthedCaller, input: CreateCustomerInput): Promise<Customer> {
    const existing = await this.findByEmail(caller.appId, input.email);
    if (existing) return existing;
    const customer = this.build(caller.appId, input);
    try {
      await this.em.insert(Customer, customer);
      return customer;
    } catch (err) {
      if (!(err instanceof UniqueConstraintViolationException)) throw err;
      const winner = await this.findByEmail(caller.appId, input.email);
      if (!winner) throw err;
      return winner;
    }
  }

  private findByEmail(appId: string, email: string): Promise<Customer | null> {
    return this.em.fork().findOne(Customer, { appId, emailNormalized: normalizeEmail(email) });
  }

  private build(appId: string, input: CreateCustomerInput, id = newId('customer')): Customer {
    const now = this.clock.now();
    const billing: BillingPreferences = {
      invoice_type: input.billing?.invoice_type ?? 'boleta',
      business_name: input.billing?.business_name ?? null,
      address: input.billing?.address ?? null,
      invoice_email: input.billing?.invoice_email ?? null,
    };
    const customer = this.em.create(
      Customer,
      {
        id,
        appId,
        email: input.email.trim(),
        emailNormalized: normalizeEmail(input.email),
        name: input.name ?? null,
        phone: input.phone ?? null,
        documentType: input.document?.type ?? null,
        documentNumber: input.document?.number ?? null,
        billing,
        locale: input.locale ?? 'es',
        metadata: input.metadata ?? {},
        createdAt: now,
        updatedAt: now,
      },
      { persist: false },
    );
    assertBillingConsistent(customer);
    return customer;
  }
}

/** A factura needs a RUC and a business name (SUNAT issues facturas only to RUC holders). */
function assertBillingConsistent(customer: Customer): void {
  if (customer.billing.invoice_type !== 'factura') return;
  const errors = [];
  if (customer.documentType !== 'RUC') {
    errors.push({ param: 'billing.invoice_type', message: 'factura requires a RUC document' });
  }
  if (!customer.billing.business_name) {
    errors.push({ param: 'billing.business_name', message: 'factura requires the business name' });
  }
  if (errors.length > 0) throw ApiError.validation(errors);
}
