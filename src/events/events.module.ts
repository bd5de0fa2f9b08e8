import { Global, Module } from '@nestjs/common';
import { EventDispatcher } from './event-dispatcher';
import { EventRecorder } from './event-recorder';

/**
 * Domain events: recorded by every capability in its own transactions (EventRecorder), handed to the
 * consumers that turn them into webhooks and e-mails (EventDispatcher). Global, like the job queue,
 * because every capability emits.
 */
@Global()
@Module({
  providers: [EventRecorder, EventDispatcher],
  exports: [EventRecorder, EventDispatcher],
})
export class EventsModule {}
