import { EntityManager, UniqueConstraintViolationException } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import type { AuthedCaller } from '../../common/auth/api-key.guard';
import { Clock } from '../../common/clock';
import { ApiError } from '../../common/errors/api-error';
import { isId, newId } from '../../common/ids';
import { sha256Hex } from '../../common/secrets';
import { PushSubscription } from '../push-subscription.entity';
import { PushAgentProvider } from './push-agent.provider';
import type { CreatePushSubscriptionInput } from './push-subscription.schemas';
import { VapidProvider } from './vapid.provider';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

function present(s: PushSubscription) {
  return { id: s.id, object: 'push_subscription' as const, endpoint: s.endpoint, created_at: s.createdAt.toISOString(), last_success_at: iso(s.lastSuccessAt) };
}

/** Browsers subscribed to an app's alerts (Web Push). Subscribing the same browser twice keeps one. */
@Injectable()
export class PushSubscriptionsService {
  constructor(
    private readonly em: EntityManager,
    private readonly clock: Clock,
    private readonly vapid: VapidProvider,
    private readonly agents: PushAgentProvider,
  ) {}

  async publicKey() {
    const keys = await this.vapid.get();
    if (!keys) throw new ApiError('push_not_configured', 'Set WEBPUSH_VAPID_PUBLIC_KEY and WEBPUSH_VAPID_PRIVATE_KEY to enable browser notifications');
    return { object: 'push_key' as const, public_key: keys.publicKey };
  }

  async subscribe(caller: AuthedCaller, input: CreatePushSubscriptionInput) {
    await this.publicKey();
    const problem = await this.agents.targets.checkUrlAndAddresses(input.endpoint);
    if (problem) throw ApiError.validation([{ param: 'endpoint', message: `${problem}: push services are public https URLs` }]);
    const hash = sha256Hex(input.endpoint);
    const existing = await this.em.fork().findOne(PushSubscription, { appId: caller.appId, endpointHash: hash });
    if (existing) return present(existing);
    const sub = Object.assign(new PushSubscription(), {
      id: newId('pushSubscription'),
      appId: caller.appId,
      endpointHash: hash,
      endpoint: input.endpoint,
      p256dh: input.keys.p256dh,
      auth: input.keys.auth,
      createdAt: this.clock.now(),
      lastSuccessAt: null,
    } satisfies PushSubscription);
    try {
      await this.em.fork().insert(PushSubscription, sub);
    } catch (err) {
      if (!(err instanceof UniqueConstraintViolationException)) throw err;
      return present(await this.em.fork().findOneOrFail(PushSubscription, { appId: caller.appId, endpointHash: hash }));
    }
    return present(sub);
  }

  async list(caller: AuthedCaller) {
    const rows = await this.em.find(PushSubscription, { appId: caller.appId }, { orderBy: { id: 'desc' } });
    return { object: 'list' as const, data: rows.map(present), has_more: false, next_cursor: null };
  }

  async remove(caller: AuthedCaller, id: string) {
    if (!isId('pushSubscription', id)) throw ApiError.notFound('push subscription');
    const deleted = await this.em.fork().nativeDelete(PushSubscription, { id, appId: caller.appId });
    if (deleted === 0) throw ApiError.notFound('push subscription');
    return { id, object: 'push_subscription' as const, deleted: true };
  }
}
