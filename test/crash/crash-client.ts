/**
 * The load's client: a shop front end paying orders through SmartPay's public API while SmartPay
 * keeps dying. It behaves as a careful real client: a request that got no answer (connection refused
 * or reset, a 5xx) is sent again with the SAME Idempotency-Key; `idempotency_request_in_progress`
 * waits; a charge whose outcome is unknown (`pending`, or 409 `order_processing`) is followed by
 * polling the order; only a settled failure starts a new attempt, with a fresh token and a new key.
 */
import { randomUUID } from 'node:crypto';
import { containsCardNumber } from '../../src/common/card-data';
import { sleep } from '../support/child-process';
import type { Gateway, SandboxDescription } from './crash-stack';

export interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** What the client saw, for the summary and the cross-checks. */
export class ClientLedger {
  ordersCreated = 0;
  chargeRequests = 0;
  /** Requests sent again with the same Idempotency-Key after a lost answer. */
  resends = 0;
  serverErrors: string[] = [];
  abandoned = 0;
  /** Orders the client stopped waiting for (outcome left to reconciliation). */
  gaveUp = 0;
  unpaid = 0;
  /** Credit consumptions answered (issue 10). */
  consumptions = 0;
  /** Orders the client saw paid (a succeeded charge or a paid order): they must end paid. */
  readonly seenPaid = new Set<string>();
  readonly orders = new Set<string>();
  readonly unexpected: string[] = [];
}

/** Charge requests in flight right now (the chaos loop kills while one is at the gateway). */
export class InFlight {
  private readonly started = new Map<number, { at: number; gateway: Gateway }>();
  private seq = 0;

  begin(gateway: Gateway): number {
    const id = ++this.seq;
    this.started.set(id, { at: Date.now(), gateway });
    return id;
  }

  end(id: number): void {
    this.started.delete(id);
  }

  private paidWaiters: (() => void)[] = [];

  /** A charge answer just said `succeeded`: its payment, event and outbox rows have committed. */
  paid(): void {
    const waiters = this.paidWaiters;
    this.paidWaiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves true at the next succeeded charge answer, false after `ms`. */
  nextPaid(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      this.paidWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** Whether a charge request at `gateway` has been in flight for at least `ms`. */
  oldest(gateway: Gateway, ms: number): boolean {
    const now = Date.now();
    return [...this.started.values()].some((r) => r.gateway === gateway && now - r.at >= ms);
  }
}

const RETRY_PAUSE_MS = 250;
/** How long one request may keep being resent (SmartPay down, keys in progress) before the test fails. */
const RESEND_DEADLINE_MS = 90_000;
/** How long the client waits for an in-flight charge to settle before leaving it to reconciliation. */
const SETTLE_WAIT_MS = 12_000;
const MAX_ATTEMPTS = 4;

export class CrashClient {
  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string,
    private readonly sandbox: SandboxDescription,
    readonly ledger: ClientLedger,
    readonly inFlight: InFlight,
  ) {}

  /** One exchange; a transport failure (process dead, connection reset) is a string. */
  private async once(method: string, path: string, body: unknown, key: string | undefined, timeoutMs: number): Promise<ApiAnswer | string> {
    try {
      const res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: { Authorization: `Bearer ${this.apiKey}`, 'Content-Type': 'application/json', ...(key ? { 'Idempotency-Key': key } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    } catch (err) {
      return `${(err as Error).name}: ${(err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message}`;
    }
  }

  /** Sends until an answer that is not "try again", with the same key each time. */
  async call(method: string, path: string, body?: unknown, key?: string): Promise<ApiAnswer> {
    const deadline = Date.now() + RESEND_DEADLINE_MS;
    for (let sent = 0; ; sent++) {
      if (sent > 0) this.ledger.resends++;
      const answer = await this.once(method, path, body, key, 20_000);
      const again =
        typeof answer === 'string' ||
        answer.status >= 500 ||
        (answer.status === 409 && answer.body.code === 'idempotency_request_in_progress');
      if (!again) return answer;
      if (typeof answer !== 'string' && answer.status >= 500) this.ledger.serverErrors.push(`${method} ${path.replace(/[a-z]+_[0-9A-Z]{26}/g, ':id')} → ${answer.status} ${String(answer.body.code)}`);
      if (Date.now() > deadline) throw new Error(`${method} ${path}: no answer for ${RESEND_DEADLINE_MS} ms (last: ${typeof answer === 'string' ? answer : answer.status})`);
      await sleep(RETRY_PAUSE_MS);
    }
  }

  /** A one-time card token made at the gateway, as the shop's payment form does (sandbox faults retried). */
  async tokenize(gateway: Gateway, email: string): Promise<string> {
    for (let tries = 0; ; tries++) {
      const token = await this.tokenOnce(gateway, email).catch((err: unknown) => {
        if (tries >= 20) throw err;
        return null;
      });
      // A Mercado Pago token id is hex; a rare one holds a Luhn-valid digit run SmartPay refuses as card data.
      if (token !== null && !containsCardNumber(token)) return token;
      await sleep(100);
    }
  }

  private async tokenOnce(gateway: Gateway, email: string): Promise<string> {
    const post = async (url: string, body: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(5_000) });
      const json = (await res.json()) as Record<string, unknown>;
      if (res.status !== 200 && res.status !== 201) throw new Error(`${gateway} token → ${res.status}`);
      return String(json.id);
    };
    if (gateway === 'culqi') {
      return post(
        `${this.sandbox.culqi.secure_url}/tokens`,
        { card_number: '4111111111111111', cvv: '123', expiration_month: '12', expiration_year: '2030', email },
        { Authorization: `Bearer ${this.sandbox.culqi.public_key}` },
      );
    }
    return post(`${this.sandbox.mercadopago.base_url}/v1/card_tokens?public_key=${encodeURIComponent(this.sandbox.mercadopago.public_key)}`, {
      card_number: '4009175332806176',
      expiration_month: 11,
      expiration_year: 2030,
      security_code: '123',
      cardholder: { name: 'APRO', identification: { type: 'DNI', number: '12345678' } },
    });
  }

  /** Polls the order until no charge is in flight (or the client's patience ends). */
  private async settled(orderId: string): Promise<string | null> {
    const deadline = Date.now() + SETTLE_WAIT_MS;
    for (;;) {
      const res = await this.call('GET', `/v1/orders/${orderId}`);
      const status = String(res.body.status);
      if (status !== 'processing' && status !== 'requires_action') return status;
      if (Date.now() > deadline) return null;
      await sleep(500);
    }
  }

  /**
   * One customer paying one order. `abandon` makes the customer close the tab right after sending
   * the first charge (the request goes out, nobody waits for or retries it).
   */
  async payOrder(
    index: number,
    runId: string,
    plan: { gateway: Gateway; amount: number; abandon: boolean; creditPackage?: string | null },
  ): Promise<'paid' | 'abandoned' | 'unpaid' | 'gave_up'> {
    const email = `buyer${index}@example.com`;
    // A credit-package order is priced by its package (and its customer gets the credits once it is paid).
    const priced = plan.creditPackage ? { credit_package: plan.creditPackage } : { amount: plan.amount };
    const created = await this.call('POST', '/v1/orders', { ...priced, currency: 'PEN', description: `crash ${index}`, customer: { email } }, `crash-${runId}-order-${index}`);
    if (created.status !== 201) return this.unexpected(`create order → ${created.status} ${JSON.stringify(created.body)}`);
    const orderId = String(created.body.id);
    this.ledger.ordersCreated++;
    this.ledger.orders.add(orderId);

    let gateway = plan.gateway;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const token = await this.tokenize(gateway, email);
      const source = gateway === 'mercadopago' ? { type: 'card_token', token, payment_method_id: 'visa' } : { type: 'card_token', token };
      const path = `/v1/orders/${orderId}/charges`;
      const key = `crash-${runId}-charge-${index}-${attempt}-${randomUUID()}`;
      this.ledger.chargeRequests++;
      if (plan.abandon && attempt === 1) {
        const flight = this.inFlight.begin(gateway);
        await this.once('POST', path, { gateway, source }, key, 50 + Math.floor(Math.random() * 400));
        this.inFlight.end(flight);
        this.ledger.abandoned++;
        return 'abandoned';
      }
      const flight = this.inFlight.begin(gateway);
      const res = await this.call('POST', path, { gateway, source }, key).finally(() => this.inFlight.end(flight));

      let orderStatus: string | null;
      if (res.status === 201) {
        const charge = res.body;
        if (charge.status === 'succeeded') {
          this.ledger.seenPaid.add(orderId);
          this.inFlight.paid();
          return 'paid';
        }
        if (charge.status === 'failed') {
          // Open circuit / unreachable gateway: tokenize where SmartPay says.
          const next = charge.next_action as { type?: string; gateway?: Gateway } | null;
          if (next?.type === 'retry_with_gateway' && next.gateway) gateway = next.gateway;
          continue;
        }
        orderStatus = await this.settled(orderId);
      } else if (res.status === 409 && res.body.code === 'order_already_paid') {
        orderStatus = 'paid';
      } else if (res.status === 409 && res.body.code === 'order_processing') {
        // An earlier attempt of ours is still unresolved (its process died): wait for reconciliation.
        orderStatus = await this.settled(orderId);
      } else {
        return this.unexpected(`charge → ${res.status} ${JSON.stringify(res.body)}`);
      }
      if (orderStatus === 'paid') {
        this.ledger.seenPaid.add(orderId);
        return 'paid';
      }
      if (orderStatus === null) {
        this.ledger.gaveUp++;
        return 'gave_up';
      }
      if (orderStatus !== 'pending') return this.unexpected(`order ${orderId} ended ${orderStatus}`);
    }
    this.ledger.unpaid++;
    return 'unpaid';
  }

  /**
   * Credit consumptions beside the payments, so kills also land mid-debit (issue 10; on MariaDB a debit's
   * writes ride its COMMIT). `customers` customers get a large grant first; then one credit at a time, round
   * robin, until `stop()`. Each consumption is sent until it is answered, always with its own reference, so a
   * debit a kill interrupted is either found (the first transaction answered again) or made now — never twice.
   * Returns the references answered 201, per customer.
   */
  async consumeUntil(runId: string, customers: number, stop: () => boolean, concurrency = 2): Promise<Map<string, Set<string>>> {
    const answered = new Map<string, Set<string>>();
    for (let i = 0; i < customers; i++) {
      const customer = await this.call('POST', '/v1/customers', { email: `consumer${i}@example.com` }, `crash-${runId}-consumer-${i}`);
      if (customer.status !== 201) throw new Error(`create customer → ${customer.status} ${JSON.stringify(customer.body)}`);
      const id = String(customer.body.id);
      const granted = await this.call('POST', `/v1/customers/${id}/credits/grants`, { credits: 1_000_000, reason: 'crash suite', reference: `crash-${runId}-grant-${i}` });
      if (granted.status !== 201) throw new Error(`grant → ${granted.status} ${JSON.stringify(granted.body)}`);
      answered.set(id, new Set());
    }
    const ids = [...answered.keys()];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (!stop()) {
        const n = next++;
        const id = ids[n % ids.length]!;
        const reference = `crash-${runId}-consume-${n}`;
        const res = await this.call('POST', `/v1/customers/${id}/credits/consume`, { credits: 1, reference });
        if (res.status === 201 && res.body.reference === reference) answered.get(id)!.add(reference);
        else this.unexpected(`consume ${reference} → ${res.status} ${JSON.stringify(res.body)}`);
        this.ledger.consumptions++;
        // A steady trickle (≤ 80/s for two workers), not a flood that would slow the payments under test.
        await sleep(25);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return answered;
  }

  private unexpected(what: string): 'unpaid' {
    this.ledger.unexpected.push(what);
    return 'unpaid';
  }
}
