import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import type { AuthedCaller } from '../common/auth/api-key.guard';
import { Clock } from '../common/clock';
import { ApiError } from '../common/errors/api-error';
import { isId } from '../common/ids';
import { type IdempotencyScope, scopedId } from '../common/idempotency/idempotency-scope';
import type { GatewayId } from '../config/app-config';
import { CustomersService } from '../customers/customers.service';
import { EventRecorder } from '../events/event-recorder';
import { GatewayRegistry } from '../gateways/gateway-registry';
import { sessionOf } from '../database/sql-session';
import { GatewayCallWriter } from '../gateways/http/gateway-call.writer';
import type { CallContext, CardDetails, SaveCardOutcome } from '../gateways/payment-gateway.port';
import { type GatewayCardRef, PaymentMethod } from './payment-method.entity';
import { presentPaymentMethod, type PaymentMethodObject } from './payment-method.presenter';
import type { SavePaymentMethodInput } from './payment-method.schemas';

/**
 * Saved cards. A card saved with one token per gateway is held at both, which is what lets
 * saved-card and renewal charges fail over when one gateway is down.
 */
@Injectable()
export class PaymentMethodsService {
  constructor(
    private readonly em: EntityManager,
    private readonly clock: Clock,
    private readonly customers: CustomersService,
    private readonly registry: GatewayRegistry,
    private readonly callLog: GatewayCallWriter,
    private readonly events: EventRecorder,
  ) {}

  async save(caller: AuthedCaller, customerId: string, input: SavePaymentMethodInput, scope: IdempotencyScope | null = null): Promise<PaymentMethodObject> {
    const pmId = scopedId('paymentMethod', scope);
    if (scope) {
      // A retry of an Idempotency-Key whose first attempt saved this card and then died: answer that
      // card (as the first answer would have shown it) instead of saving it at the gateways again.
      const saved = await this.em.fork().findOne(PaymentMethod, { id: pmId, appId: caller.appId });
      if (saved) return presentPaymentMethod(saved);
    }
    const customer = await this.customers.load(caller, customerId);
    const tokens: Partial<Record<GatewayId, string>> = input.tokens ?? { [input.gateway!]: input.token! };
    const existing = await this.em.find(PaymentMethod, { appId: caller.appId, customerId: customer.id, deletedAt: null });
    const ctx: CallContext = { appId: caller.appId, paymentMethodId: pmId, calls: [] };

    const refs: Partial<Record<GatewayId, GatewayCardRef>> = {};
    let card: CardDetails | null = null;
    let failure: ApiError | null = null;
    for (const gateway of Object.keys(tokens) as GatewayId[]) {
      if (!this.registry.has(gateway) || !this.registry.get(gateway).capabilities.savedCards) {
        failure = new ApiError('gateway_not_supported', `${gateway} cannot save cards here`, { param: `tokens.${gateway}` });
        break;
      }
      const known = existing.find((pm) => pm.refs[gateway])?.refs[gateway]?.customerRef ?? null;
      const outcome: SaveCardOutcome = await this.registry.get(gateway).saveCard(
        { token: tokens[gateway]!, email: customer.email, name: customer.name, existingCustomerRef: known },
        ctx,
      );
      if (outcome.status === 'failed') {
        failure = saveFailure(gateway, outcome.failure);
        break;
      }
      if (card && (card.last4 !== outcome.card.last4 || card.brand !== outcome.card.brand)) {
        refs[gateway] = outcome.ref;
        failure = ApiError.validation([{ param: 'tokens', message: 'the tokens are for different cards' }]);
        break;
      }
      refs[gateway] = outcome.ref;
      card = card ?? outcome.card;
    }
    if (failure) {
      // Undo what was saved at the other gateway, so a failed request leaves nothing behind.
      for (const [gateway, ref] of Object.entries(refs) as [GatewayId, GatewayCardRef][]) {
        await this.registry.get(gateway).deleteCard(ref, ctx);
      }
      await this.em.transactional((tx) => this.callLog.persist(sessionOf(tx), ctx));
      throw failure;
    }

    const now = this.clock.now();
    const pm = Object.assign(new PaymentMethod(), {
      id: pmId,
      appId: caller.appId,
      customerId: customer.id,
      brand: card?.brand ?? null,
      last4: card?.last4 ?? null,
      expMonth: card?.expMonth ?? null,
      expYear: card?.expYear ?? null,
      isDefault: input.is_default ?? existing.length === 0,
      refs,
      createdAt: now,
      deletedAt: null,
    });
    await this.em.transactional(async (tx) => {
      if (pm.isDefault) await tx.nativeUpdate(PaymentMethod, { appId: caller.appId, customerId: customer.id, isDefault: true }, { isDefault: false });
      await tx.insert(PaymentMethod, pm);
      await this.callLog.persist(sessionOf(tx), ctx);
      await this.events.record(sessionOf(tx), {
        appId: caller.appId,
        type: 'payment_method.saved',
        resource: { type: 'payment_method', id: pm.id },
        data: presentPaymentMethod(pm),
        at: now,
      });
    });
    return presentPaymentMethod(pm);
  }

  async list(caller: AuthedCaller, customerId: string) {
    const customer = await this.customers.load(caller, customerId);
    const rows = await this.em.find(PaymentMethod, { appId: caller.appId, customerId: customer.id, deletedAt: null }, { orderBy: { id: 'desc' } });
    return { object: 'list' as const, data: rows.map(presentPaymentMethod), has_more: false, next_cursor: null };
  }

  async delete(caller: AuthedCaller, customerId: string, pmId: string) {
    const pm = await this.load(caller, pmId);
    if (pm.customerId !== customerId) throw ApiError.notFound('payment method');
    const ctx: CallContext = { appId: caller.appId, paymentMethodId: pm.id, calls: [] };
    const failures: string[] = [];
    for (const [gateway, ref] of Object.entries(pm.refs) as [GatewayId, GatewayCardRef][]) {
      const outcome = await this.registry.get(gateway).deleteCard(ref, ctx);
      if (outcome.status === 'failed') failures.push(`${gateway}: ${outcome.message}`);
    }
    await this.em.transactional(async (tx) => {
      await this.callLog.persist(sessionOf(tx), ctx);
      if (failures.length === 0) await tx.nativeUpdate(PaymentMethod, { id: pm.id }, { deletedAt: this.clock.now(), isDefault: false });
    });
    if (failures.length > 0) throw new ApiError('gateway_error', `The card could not be removed at ${failures.join('; ')}; retry`);
    return { id: pm.id, object: 'payment_method' as const, deleted: true };
  }

  /** A saved card usable for an order of this customer (409 otherwise). */
  async loadForCharge(caller: AuthedCaller, pmId: string, orderCustomerId: string | null): Promise<PaymentMethod> {
    const pm = await this.load(caller, pmId);
    if (pm.customerId !== orderCustomerId) {
      throw new ApiError('payment_method_unusable', "A saved card can only pay orders of the customer it belongs to");
    }
    return pm;
  }

  private async load(caller: AuthedCaller, pmId: string): Promise<PaymentMethod> {
    if (!isId('paymentMethod', pmId)) throw ApiError.notFound('payment method');
    const pm = await this.em.findOne(PaymentMethod, { id: pmId, appId: caller.appId, deletedAt: null });
    if (!pm) throw ApiError.notFound('payment method');
    return pm;
  }
}

function saveFailure(gateway: GatewayId, failure: { code: string; declineCode: string | null; message: string }): ApiError {
  if (failure.code === 'gateway_unavailable') return new ApiError('gateway_unavailable', `${gateway}: ${failure.message}`);
  if (failure.code === 'card_declined' || failure.code === 'authentication_failed') {
    return new ApiError('card_declined', `${gateway}: ${failure.message}${failure.declineCode ? ` (${failure.declineCode})` : ''}`);
  }
  if (failure.code === 'invalid_source') {
    return ApiError.validation([{ param: `tokens.${gateway}`, message: `${failure.message}` }]);
  }
  return new ApiError('gateway_error', `${gateway}: ${failure.message}`);
}
