import { randomUUID } from 'node:crypto';

export interface WebhookAttempt {
  at: string;
  status: number | null;
  error: string | null;
}

/** One notification and what happened to it: kept so tests can see what a gateway sent. */
export interface WebhookDelivery {
  id: string;
  url: string;
  event: string;
  body: string;
  attempts: WebhookAttempt[];
  delivered: boolean;
  /** True while another attempt is still scheduled. */
  pending: boolean;
}

export interface WebhookSenderOptions {
  /** Delay before each retry; its length is the number of retries after the first attempt. */
  retryDelaysMs: number[];
  timeoutMs: number;
}

export interface WebhookMessage {
  url: string;
  event: string;
  body: string;
  /** Headers for one attempt (Mercado Pago signs every attempt afresh). */
  headers: () => Record<string, string>;
}

const MAX_KEPT = 1_000;

/** POSTs gateway notifications to their targets, retrying on anything but 2xx, like the real services. */
export class WebhookSender {
  readonly deliveries: WebhookDelivery[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly aborts = new Set<AbortController>();
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly options: WebhookSenderOptions) {}

  send(message: WebhookMessage): WebhookDelivery {
    const delivery: WebhookDelivery = { id: randomUUID(), url: message.url, event: message.event, body: message.body, attempts: [], delivered: false, pending: true };
    this.deliveries.push(delivery);
    if (this.deliveries.length > MAX_KEPT) this.deliveries.shift();
    this.track(this.attempt(delivery, message, 0));
    return delivery;
  }

  /** Resolves once no attempt is running or scheduled (tests wait on it instead of sleeping). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0 || this.timers.size > 0) {
      await Promise.race([...this.inFlight, new Promise((r) => setTimeout(r, 10))]);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const abort of this.aborts) abort.abort();
    await Promise.allSettled([...this.inFlight]);
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async attempt(delivery: WebhookDelivery, message: WebhookMessage, retry: number): Promise<void> {
    if (this.closed) return;
    const abort = new AbortController();
    this.aborts.add(abort);
    const timeout = setTimeout(() => abort.abort(), this.options.timeoutMs);
    const record: WebhookAttempt = { at: new Date().toISOString(), status: null, error: null };
    try {
      const res = await fetch(message.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...message.headers() },
        body: message.body,
        signal: abort.signal,
      });
      record.status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (err) {
      record.error = err instanceof Error ? err.message : String(err);
    } finally {
      clearTimeout(timeout);
      this.aborts.delete(abort);
    }
    delivery.attempts.push(record);
    if (record.status !== null && record.status >= 200 && record.status < 300) {
      delivery.delivered = true;
      delivery.pending = false;
      return;
    }
    const delay = this.options.retryDelaysMs[retry];
    if (this.closed || delay === undefined) {
      delivery.pending = false;
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.track(this.attempt(delivery, message, retry + 1));
    }, delay);
    this.timers.add(timer);
  }
}
