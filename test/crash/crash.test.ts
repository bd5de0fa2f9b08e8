import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection, type Connection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBase62 } from '../../src/common/secrets';
import { generateDemoCredentials } from '../../src/invoices/ubl/signing-credentials';
import { sleep, stopAll } from '../support/child-process';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { OUTPUT_DIR, recordSecret, TEST_DB } from '../support/test-env';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { auditConsumption, auditCredits, auditInvariants, auditInvoices, auditNotifications, discrepancies, waitForSettle, type ReconciliationReportView } from './crash-audit';
import { killsSoFar, newChaosLog, runChaos } from './crash-chaos';
import { ClientLedger, CrashClient, InFlight } from './crash-client';
import { crashParams, seededRandom } from './crash-params';
import { crashLogFile, freePort, migrate, newGatewayCredentials, smartPayEnv, SmartPayServer, StandaloneSandbox, type Gateway } from './crash-stack';

/**
 * Issue 4, item 6 — crash safety. The compiled SmartPay runs as a child process on MariaDB against
 * the standalone sandbox (which outlives it); a client pays CRASH_PAYMENTS orders with some
 * concurrency while SmartPay is SIGKILLed CRASH_KILLS times (some kills between the gateway call and
 * the database commit) and the gateways misbehave. Then reconciliation gets a bounded time to settle
 * and the invariants are checked against the gateways' own records:
 * - every payment that took money belongs to exactly one paid order (design.md invariant 2);
 * - no order is paid twice (invariant 1);
 * - no job is lost (invariant 5);
 * - the reconciliation report over the whole run shows zero discrepancies;
 * - every paid order has one `order.paid` event, delivered to the app's webhook endpoint, and one
 *   receipt at Postmark (issue 9) — with kills right after payments commit among the others.
 * MariaDB only: SQLite is one process's embedded file, not the production database this is about.
 */
const params = crashParams();
/** Long enough for the last orphaned attempt: RECONCILE_NOT_FOUND_GRACE (20 s) + the schedule's next lookup. */
const SETTLE_BOUND_MS = 150_000;

describe.skipIf(TEST_DB !== 'mysql')('crash safety: SIGKILL under load, then reconciliation', () => {
  let database: TestDatabase | undefined;
  let db: Connection | undefined;
  let sandbox: StandaloneSandbox | undefined;
  let smartpay: SmartPayServer | undefined;
  let receiver: WebhookReceiver | undefined;
  let passed = false;
  const apiKey = `sk_test_${randomBase62(40)}`;

  beforeAll(async () => {
    recordSecret(apiKey);
    const adminPassword = randomBase62(24);
    recordSecret(adminPassword);
    const credentials = newGatewayCredentials();
    const port = await freePort();
    sandbox = await StandaloneSandbox.start(credentials, port);
    database = await createTestDatabase();
    const signing = generateDemoCredentials({ ruc: '20000000001', legalName: 'SMARTPAY CRASH S.A.C.', validDays: 30 });
    const invoiceCertificateFile = join(mkdtempSync(join(tmpdir(), 'smartpay-crash-')), 'cpe.pem');
    writeFileSync(invoiceCertificateFile, `${signing.privateKeyPem}\n${signing.certificatePem}`);
    const env = smartPayEnv({ databaseUrl: database.url, port, apiKey, adminPassword, sandbox: sandbox.info, credentials, logFile: crashLogFile(), invoiceCertificateFile });
    await migrate(env);
    db = await createConnection(database.url);
    smartpay = new SmartPayServer(env, port);
    await smartpay.start();
    // The client app's webhook endpoint (allowed on loopback by SMARTPAY_WEBHOOK_ALLOWED_NETWORKS).
    receiver = await startWebhookReceiver();
    const endpoint = await fetch(`${smartpay.url}/v1/webhook-endpoints`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ url: receiver.url, events: ['order.paid'] }),
    });
    if (endpoint.status !== 201) throw new Error(`webhook endpoint → ${endpoint.status} ${await endpoint.text()}`);
  }, 120_000);

  afterAll(async () => {
    await smartpay?.stop().catch(() => undefined);
    await sandbox?.stop().catch(() => undefined);
    await receiver?.close();
    await stopAll();
    await db?.end().catch(() => undefined);
    // A failed run keeps its database for a post-mortem.
    if (passed) await database?.drop();
    else if (database) console.log(`crash suite: database kept for inspection: ${database.url}`);
  });

  it(`${params.payments} payments, ${params.kills} SIGKILLs: every payment on exactly one paid order, nothing lost`, async () => {
    const started = Date.now();
    const runId = randomBase62(8);
    const random = seededRandom(params.seed);
    const ledger = new ClientLedger();
    const inFlight = new InFlight();
    const client = new CrashClient(smartpay!.url, apiKey, sandbox!.info, ledger, inFlight);

    // The load: each order's gateway, amount and fate are drawn up front from the seed.
    const pickGateway = (): Gateway => (random() < 0.5 ? 'culqi' : 'mercadopago');
    const plans = Array.from({ length: params.payments }, () => ({
      gateway: pickGateway(),
      amount: 1_000 + Math.floor(random() * 49_000),
      abandon: random() < 0.06,
      // Issue 10: a quarter of the orders buy the Professional credit package (priced by the package).
      creditPackage: random() < 0.25 ? ('professional' as const) : null,
    }));
    const outcomes: Record<string, number> = {};
    let next = 0;
    let finished = 0;
    let loadDone = false;
    const chaosLog = newChaosLog();
    let chaosDone = false;
    // Order i may start once the kills before its stretch of the load happened (with a stretch and a
    // round of slack, so the next kill finds orders in flight), and the last order only after the
    // last kill: the load cannot outrun the chaos, so every kill lands while the load runs.
    const stretch = plans.length / (params.kills + 1);
    const mayStart = (index: number) => chaosDone || (index < (killsSoFar(chaosLog) + 2) * stretch + params.concurrency && index < plans.length - 1);
    const worker = async (): Promise<void> => {
      while (next < plans.length) {
        if (!mayStart(next)) {
          await sleep(20);
          continue;
        }
        const index = next++;
        const outcome = await client.payOrder(index, runId, plans[index]!);
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
        finished++;
      }
    };
    const load = Promise.all(Array.from({ length: params.concurrency }, worker)).finally(() => (loadDone = true));
    // Issue 10: credit consumptions run beside the payments until the load ends, so kills land mid-debit too.
    const consumption = client.consumeUntil(runId, 4, () => loadDone);
    const chaos = runChaos(
      { smartpay: smartpay!, sandbox: sandbox!, inFlight, random: seededRandom(params.seed + 1), progress: () => finished, total: plans.length, loadDone: () => loadDone },
      params.kills,
      chaosLog,
    ).finally(() => (chaosDone = true));
    const [answered] = await Promise.all([consumption, load, chaos]);
    const loadMs = Date.now() - started;

    // A final restart on a quiet system, then reconciliation settles what the kills left open.
    await sandbox!.clearFaults();
    await smartpay!.stop();
    await smartpay!.start();
    const settle = await waitForSettle(db!, SETTLE_BOUND_MS);
    const audit = await auditInvariants(db!, sandbox!, ledger);
    const notifications = await auditNotifications(db!, sandbox!, receiver!.received);
    const credits = await auditCredits(db!);
    const consumed = await auditConsumption(db!, answered);
    const invoices = await auditInvoices(db!);

    const from = new Date(started - 60_000).toISOString();
    const to = new Date().toISOString();
    const reportRes = await client.call('GET', `/v1/reconciliation/report?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
    expect(reportRes.status, JSON.stringify(reportRes.body)).toBe(200);
    const report = reportRes.body as unknown as ReconciliationReportView;

    const kills = chaosLog.kills.mid_call + chaosLog.kills.after_commit + chaosLog.kills.random + chaosLog.kills.at_restart;
    const lostCount = audit.lost.length + audit.phantom.length + audit.reverted.length + audit.lostJobs.length;
    const summary = [
      `crash suite: payments=${params.payments}, kills=${kills}, paid orders=${audit.paidOrders}, gateway charges=${audit.gatewayCharges}, ` +
        `double charges=${audit.doubleCharges.length}, lost=${lostCount}, jobs queued=${audit.jobs.byStatus.queued ?? 0}, dead=${audit.jobs.dead.length}, ` +
        `report discrepancies=${discrepancies(report)}`,
      `  seed=${params.seed} concurrency=${params.concurrency} load=${(loadMs / 1000).toFixed(1)}s settle=${(settle.waitedMs / 1000).toFixed(1)}s total=${((Date.now() - started) / 1000).toFixed(1)}s`,
      `  kills: mid_call=${chaosLog.kills.mid_call} (with a charge waiting at the gateway: ${chaosLog.midCallHits}), after_commit=${chaosLog.kills.after_commit} (right after a paid answer: ${chaosLog.afterCommitHits}), random=${chaosLog.kills.random}, at_restart=${chaosLog.kills.at_restart}, during load=${chaosLog.killsDuringLoad}; ` +
        `restart ready in ${Math.min(...chaosLog.restartMs)}–${Math.max(...chaosLog.restartMs)} ms`,
      `  kill timeline (time@orders done:kind): ${chaosLog.timeline.join(' ')}`,
      `  faults injected: ${chaosLog.faults.length} (${chaosLog.faults.join(' ')})`,
      `  client: orders=${ledger.ordersCreated} outcomes=${JSON.stringify(outcomes)} charge requests=${ledger.chargeRequests} resent with same key=${ledger.resends} 5xx=${ledger.serverErrors.length} unexpected=${ledger.unexpected.length}`,
      `  database: orders=${audit.orders} (created twice by a retry after a crash: ${audit.duplicateOrders}) charges=${JSON.stringify(audit.charges)} failures=${JSON.stringify(audit.failures)} ` +
        `reconciled=${audit.reconciledCharges} succeeded after a crash lost the gateway's answer=${audit.recoveredAfterCrash}`,
      `  gateways: records culqi=${audit.gatewayRecords.culqi} mercadopago=${audit.gatewayRecords.mercadopago}, money taken=${audit.gatewayCharges}`,
      `  jobs: ${JSON.stringify(audit.jobs.byStatus)} by type ${JSON.stringify(audit.jobs.byType)}; running on an expired lease=${audit.jobs.expiredLeases}, overdue=${audit.jobs.overdue}; webhooks ${JSON.stringify(audit.webhooks)}`,
      `  report: matched=${report.matched} missing_locally=${report.missing_locally.length} missing_at_gateway=${report.missing_at_gateway.length} amount_mismatches=${report.amount_mismatches.length} status_mismatches=${report.status_mismatches.length}`,
      `  settle: open charges=${settle.openCharges} open orders=${settle.openOrders} overdue jobs=${settle.overdueJobs} expired leases=${settle.expiredLeases} undispatched events=${settle.undispatchedEvents} pending deliveries=${settle.pendingDeliveries} unsent e-mails=${settle.unsentEmails}`,
      `  notifications: paid orders=${notifications.paidOrders} webhook deliveries received=${receiver!.received.length} (repeated webhook-ids: ${notifications.repeatedDeliveries}) receipts at Postmark=${notifications.receiptsAtPostmark} e-mails ${JSON.stringify(notifications.emails)}`,
      `  credits: paid package orders=${credits.paidPackageOrders} granted=${credits.granted} (550 credits each) customers checked=${credits.customers}; ` +
        `consumptions answered=${ledger.consumptions} debited=${consumed.debits} over ${consumed.customers} customers`,
      `  invoices: paid orders=${invoices.paidOrders} with one live sale document=${invoices.invoiced} accepted=${invoices.accepted} per series ${JSON.stringify(invoices.series)}`,
      ...[...notifications.eventViolations, ...notifications.undelivered, ...notifications.receiptViolations, ...credits.violations, ...consumed.violations, ...invoices.violations].map((v) => `  VIOLATION: ${v}`),
      ...audit.jobs.dead.map((d) => `  dead job: ${d}`),
      ...[...audit.lost, ...audit.phantom, ...audit.reverted, ...audit.lostJobs, ...audit.doubleCharges].map((v) => `  VIOLATION: ${v}`),
      ...ledger.unexpected.map((u) => `  unexpected answer: ${u}`),
      ...[...new Set(ledger.serverErrors)].map((e) => `  5xx: ${e}`),
      ...(discrepancies(report) > 0 ? [`  report: ${JSON.stringify(report)}`] : []),
    ].join('\n');
    console.log(summary);
    mkdirSync(OUTPUT_DIR, { recursive: true });
    writeFileSync(join(OUTPUT_DIR, 'crash-summary.txt'), `${summary}\n`);

    expect(kills).toBeGreaterThanOrEqual(params.kills);
    expect(chaosLog.killsDuringLoad, 'every kill must land while the load runs').toBeGreaterThanOrEqual(params.kills);
    expect(ledger.ordersCreated).toBeGreaterThanOrEqual(params.payments);
    expect(ledger.unexpected).toEqual([]);
    expect(settle, 'reconciliation must settle every charge, job, event, delivery and e-mail within the bound').toMatchObject({
      openCharges: 0,
      openOrders: 0,
      overdueJobs: 0,
      expiredLeases: 0,
      undispatchedEvents: 0,
      pendingDeliveries: 0,
      unsentEmails: 0,
    });
    expect(audit.doubleCharges).toEqual([]);
    expect(audit.lost).toEqual([]);
    expect(audit.phantom).toEqual([]);
    expect(audit.reverted).toEqual([]);
    expect(audit.lostJobs).toEqual([]);
    expect(audit.jobs.expiredLeases).toBe(0);
    expect(discrepancies(report)).toBe(0);
    // The run must have exercised something: most orders paid, and money on both gateways.
    expect(audit.paidOrders).toBeGreaterThan(params.payments / 2);
    expect(audit.gatewayCharges).toBe(audit.paidOrders);
    // Issue 9: events, webhooks and e-mails, once each, through every kind of kill.
    expect(chaosLog.afterCommitHits, 'some kills must land right after a payment committed').toBeGreaterThan(0);
    expect(notifications.eventViolations).toEqual([]);
    expect(notifications.undelivered).toEqual([]);
    expect(notifications.receiptViolations).toEqual([]);
    expect(notifications.receiptsAtPostmark).toBe(audit.paidOrders);
    // At-least-once: a kill between a delivery's POST and its record sends it again, under the same
    // webhook-id; at most once per job a killed worker held (JOBS_CONCURRENCY, 4).
    expect(notifications.repeatedDeliveries).toBeLessThanOrEqual(kills * 4);
    // Issue 10: every paid Professional order granted 500 + 50 exactly once, and every ledger adds up.
    expect(credits.violations).toEqual([]);
    expect(credits.paidPackageOrders).toBeGreaterThan(0);
    expect(credits.granted).toBe(credits.paidPackageOrders);
    // Consumptions through the kills: each answered reference debited exactly once, nothing else debited.
    expect(consumed.violations).toEqual([]);
    expect(consumed.debits).toBe(ledger.consumptions);
    expect(consumed.debits).toBeGreaterThan(0);
    // Issue 11: one live sale document per paid order, gapless series, through every kind of kill.
    expect(invoices.violations).toEqual([]);
    expect(invoices.invoiced).toBe(audit.paidOrders);
    passed = true;
  }, 15 * 60_000);
});
