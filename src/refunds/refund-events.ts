import { Injectable } from '@nestjs/common';
import type { SqlSession } from '../database/sql-session';
import { EventRecorder } from '../events/event-recorder';
import type { Refund } from './refund.entity';
import { presentRefund } from './refund.presenter';

/**
 * Records `refund.succeeded` / `refund.failed` with the refund as the API shows it after the change, on
 * the transaction that settles it. The default dedupe key (`<type>:<refund id>`) gives each refund at
 * most one of each, however many paths try to settle it.
 */
@Injectable()
export class RefundEvents {
  constructor(private readonly recorder: EventRecorder) {}

  async settled(session: SqlSession, refund: Refund, at: Date): Promise<void> {
    if (refund.status === 'pending') return;
    await this.recorder.record(session, {
      appId: refund.appId,
      type: refund.status === 'succeeded' ? 'refund.succeeded' : 'refund.failed',
      resource: { type: 'refund', id: refund.id },
      data: presentRefund(refund),
      at,
    });
  }
}
