import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { Clock } from '../common/clock';
import { InterruptibleSleep } from '../common/scheduling/interruptible-sleep';
import { AppConfig } from '../config/app-config';
import { EntityRows } from '../database/entity-rows';
import { SqlRunner } from '../database/sql-runner';
import { DomainEvent } from './domain-event.entity';
import type { EventConsumer } from './event-consumer';

const BATCH = 100;
/**
 * Batches start at least this far apart (unless the last one was full): under load a recording
 * instance nudges the loop after nearly every payment, and one dispatch transaction per event
 * would cost the database a commit each; spaced batches carry ~rate × gap events per commit.
 */
const MIN_BATCH_GAP_MS = 100;
/** How long after a nudge the loop looks, so the recording transaction has committed. */
const NUDGE_DELAY_MS = 20;
/** After a failed batch the loop waits longer each time, up to this. */
const MAX_BACKOFF_MS = 30_000;

/**
 * Hands recorded events to their consumers, in batches, on every worker instance (JOBS_WORKER=on).
 * One transaction takes a batch of undispatched events — `FOR UPDATE SKIP LOCKED` on MySQL/MariaDB,
 * so instances take different batches; SQLite has one writer — lets every consumer write its effects
 * (deliveries, e-mails, their jobs) and marks the batch dispatched: effects and mark commit together,
 * so a crash at any point either leaves the batch to be dispatched again or has fully dispatched it.
 * The payment path pays one INSERT per event; this loop amortises the rest over a batch.
 */
@Injectable()
export class EventDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly consumers: EventConsumer[] = [];
  private readonly sqlite: boolean;
  private running = false;
  private stopping = false;
  private loopDone: Promise<void> = Promise.resolve();
  private readonly pause = new InterruptibleSleep();
  private nudged = false;
  private lastBatchAt = 0;

  constructor(
    private readonly sql: SqlRunner,
    private readonly rows: EntityRows,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext('Events');
    this.sqlite = config.database.kind === 'sqlite';
  }

  /** Consumers register in onModuleInit, before the loop starts. */
  register(consumer: EventConsumer): void {
    if (this.consumers.some((c) => c.name === consumer.name)) throw new Error(`event consumer ${consumer.name} registered twice`);
    this.consumers.push(consumer);
  }

  onApplicationBootstrap(): void {
    if (!this.config.jobs.worker) return;
    this.running = true;
    this.loopDone = this.loop();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.pause.stop();
    await this.loopDone;
  }

  /** Events were just recorded here: look soon instead of at the next interval (after their commit, usually). */
  nudge(): void {
    if (!this.running || this.nudged) return;
    this.nudged = true;
    const gap = Math.min(MIN_BATCH_GAP_MS, this.config.events.dispatchIntervalMs);
    const delay = Math.max(NUDGE_DELAY_MS, this.lastBatchAt + gap - Date.now());
    setTimeout(() => {
      this.nudged = false;
      this.pause.wake();
    }, delay).unref();
  }

  /** Dispatches one batch now; returns how many events it handed over. */
  async dispatchOnce(limit = BATCH): Promise<number> {
    return this.sql.transaction(
      async (tx) => {
        const lock = this.sqlite ? '' : ' for update skip locked';
        const events = await this.rows.select(tx, DomainEvent, `dispatched_at is null order by id limit ${Number(limit)}${lock}`, []);
        if (events.length === 0) return 0;
        for (const consumer of this.consumers) await consumer.consume(tx, events);
        const ids = events.map((e) => e.id);
        await tx.run(`update events set dispatched_at = ? where id in (${ids.map(() => '?').join(', ')})`, [this.clock.now(), ...ids]);
        return events.length;
      },
      { readCommitted: true },
    );
  }

  private async loop(): Promise<void> {
    let backoff = 0;
    // Let the application finish bootstrapping first (consumers' modules, the HTTP server).
    await this.pause.sleep(Math.min(this.config.events.dispatchIntervalMs, 500));
    while (!this.stopping) {
      let dispatched = 0;
      this.lastBatchAt = Date.now();
      try {
        dispatched = await this.dispatchOnce();
        backoff = 0;
      } catch (err) {
        backoff = Math.min(MAX_BACKOFF_MS, Math.max(backoff * 2, this.config.events.dispatchIntervalMs));
        this.logger.error({ err, retry_in_ms: backoff }, 'dispatching events failed; trying again');
      }
      if (this.stopping) break;
      // A full batch suggests more are waiting.
      if (dispatched === BATCH && backoff === 0) continue;
      await this.pause.sleep(backoff || this.config.events.dispatchIntervalMs);
    }
  }
}
