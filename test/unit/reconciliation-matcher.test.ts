import { describe, expect, it } from 'vitest';
import type { GatewayId } from '../../src/config/app-config';
import type { GatewayChargeSummary } from '../../src/gateways/payment-gateway.port';
import { matchCharges, type LocalChargeView, type MatchInput } from '../../src/reconciliation/reconciliation-matcher';

const FROM = new Date('2026-03-01T00:00:00Z');
const TO = new Date('2026-03-02T00:00:00Z');
const NOON = new Date('2026-03-01T12:00:00Z');
const NOW = new Date('2026-03-05T00:00:00Z');
const IN_FLIGHT = 5 * 60_000;
const at = (base: Date, deltaMs: number) => new Date(base.getTime() + deltaMs);

function local(id: string, over: Partial<LocalChargeView> = {}): LocalChargeView {
  return { id, appId: 'app_a', gateway: 'culqi', gatewayChargeId: `chr_${id}`, amount: 11800, currency: 'PEN', status: 'succeeded', attemptedAt: NOON, ...over };
}

function remote(gatewayChargeId: string, over: Partial<GatewayChargeSummary> = {}): GatewayChargeSummary {
  return { gatewayChargeId, reference: null, amount: 11800, currency: 'PEN', status: 'succeeded', createdAt: at(NOON, 500), ...over };
}

/** The remote counterpart of a local charge: same id, reference, amount. */
const twin = (l: LocalChargeView, over: Partial<GatewayChargeSummary> = {}) =>
  remote(l.gatewayChargeId ?? `gw_${l.id}`, { reference: l.id, amount: l.amount, createdAt: at(l.attemptedAt, 500), ...over });

function run(locals: LocalChargeView[], listings: Partial<Record<GatewayId, GatewayChargeSummary[]>>, over: Partial<MatchInput> = {}) {
  return matchCharges({
    period: { from: FROM, to: TO },
    appId: 'app_a',
    now: NOW,
    inFlightMs: IN_FLIGHT,
    listings: Object.entries(listings).map(([gateway, charges]) => ({ gateway: gateway as GatewayId, charges: charges ?? [] })),
    locals,
    ...over,
  });
}

const noDiscrepancies = { missing_locally: [], missing_at_gateway: [], amount_mismatches: [], status_mismatches: [] };

describe('reconciliation matcher: agreement', () => {
  it('counts pairs that agree on status family and amount, on every gateway', () => {
    const a = local('ch_a');
    const b = local('ch_b', { gateway: 'mercadopago', gatewayChargeId: '1001', amount: 1050 });
    const c = local('ch_c', { status: 'failed', amount: 500 });
    expect(run([a, b, c], { culqi: [twin(a), twin(c, { status: 'failed' })], mercadopago: [twin(b)] })).toEqual({ matched: 3, ...noDiscrepancies });
  });

  it('refunded and disputed gateway charges match a succeeded local charge (the money was taken)', () => {
    const a = local('ch_a');
    const b = local('ch_b');
    expect(run([a, b], { culqi: [twin(a, { status: 'refunded' }), twin(b, { status: 'disputed' })] })).toEqual({ matched: 2, ...noDiscrepancies });
  });

  it('pending and requires_action are one family: an asynchronous payment still open on both sides matches', () => {
    const a = local('ch_a', { status: 'pending', gateway: 'mercadopago', gatewayChargeId: '77' });
    const b = local('ch_b', { status: 'requires_action', gateway: 'mercadopago', gatewayChargeId: '78' });
    expect(run([a, b], { mercadopago: [twin(a, { status: 'pending' }), twin(b, { status: 'pending' })] })).toMatchObject({ matched: 2, status_mismatches: [] });
  });

  it('matches by reference when we never learnt the gateway id (timeout), and by gateway id when there is no reference', () => {
    const timedOut = local('ch_t', { gatewayChargeId: null, status: 'succeeded' });
    const noRef = local('ch_n', { gatewayChargeId: 'chr_plain' });
    const result = run([timedOut, noRef], { culqi: [remote('chr_found', { reference: 'ch_t' }), remote('chr_plain', { reference: null })] });
    expect(result).toEqual({ matched: 2, ...noDiscrepancies });
  });

  it('the reference wins over the gateway id', () => {
    // chr_x carries ch_a's reference but ch_b recorded it: it answers for ch_a; ch_b's is missing.
    const a = local('ch_a', { gatewayChargeId: null });
    const b = local('ch_b', { gatewayChargeId: 'chr_x' });
    const result = run([a, b], { culqi: [remote('chr_x', { reference: 'ch_a' })] });
    expect(result.matched).toBe(1);
    expect(result.missing_at_gateway).toEqual([expect.objectContaining({ charge_id: 'ch_b', gateway_charge_id: null })]);
  });
});

describe('reconciliation matcher: mismatches', () => {
  it('an amount mismatch names both amounts', () => {
    const a = local('ch_a', { amount: 11800 });
    const result = run([a], { culqi: [twin(a, { amount: 11700 })] });
    expect(result.matched).toBe(0);
    expect(result.amount_mismatches).toEqual([
      { gateway: 'culqi', gateway_charge_id: 'chr_ch_a', gateway_amount: 11700, gateway_status: 'succeeded', charge_id: 'ch_a', amount: 11800, status: 'succeeded' },
    ]);
    expect(result.status_mismatches).toEqual([]);
  });

  it('a currency mismatch is an amount mismatch', () => {
    const a = local('ch_a', { currency: 'USD' });
    expect(run([a], { culqi: [twin(a)] }).amount_mismatches).toHaveLength(1);
  });

  it.each([
    ['succeeded', 'failed'],
    ['failed', 'succeeded'],
    ['pending', 'succeeded'],
    ['pending', 'failed'],
    ['succeeded', 'pending'],
    ['failed', 'refunded'],
  ] as const)('local %s vs gateway %s (old) → status mismatch', (ours, theirs) => {
    const a = local('ch_a', { status: ours });
    const result = run([a], { culqi: [twin(a, { status: theirs })] });
    expect(result.matched).toBe(0);
    expect(result.status_mismatches).toEqual([expect.objectContaining({ charge_id: 'ch_a', status: ours, gateway_status: theirs })]);
  });

  it('a charge differing in status and amount is in both lists', () => {
    const a = local('ch_a', { status: 'failed' });
    const result = run([a], { culqi: [twin(a, { amount: 1, status: 'succeeded' })] });
    expect(result.status_mismatches).toHaveLength(1);
    expect(result.amount_mismatches).toHaveLength(1);
    expect(result.matched).toBe(0);
  });

  it('a young pending charge is in flight: neither a mismatch nor missing; once old it is', () => {
    const young = local('ch_y', { status: 'pending', attemptedAt: at(NOW, -60_000), gatewayChargeId: null });
    const youngWithId = local('ch_z', { status: 'requires_action', attemptedAt: at(NOW, -60_000), gatewayChargeId: 'chr_z' });
    const period = { from: FROM, to: NOW };
    const listed = [remote('chr_y', { reference: 'ch_y', createdAt: at(NOW, -59_000) })];
    expect(run([young, youngWithId], { culqi: listed }, { period })).toEqual({ matched: 0, ...noDiscrepancies });
    const later = { period, now: at(NOW, IN_FLIGHT) };
    const result = run([young, youngWithId], { culqi: listed }, later);
    expect(result.status_mismatches.map((e) => e.charge_id)).toEqual(['ch_y']);
    expect(result.missing_at_gateway.map((e) => e.charge_id)).toEqual(['ch_z']);
  });
});

describe('reconciliation matcher: missing at the gateway', () => {
  it('a succeeded charge or one with a gateway id, absent from its listing, is missing there', () => {
    const succeeded = local('ch_s', { gatewayChargeId: null });
    const declined = local('ch_d', { status: 'failed' });
    const result = run([succeeded, declined], { culqi: [] });
    expect(result.missing_at_gateway).toEqual([
      { gateway: 'culqi', gateway_charge_id: null, gateway_amount: null, gateway_status: null, charge_id: 'ch_d', amount: 11800, status: 'failed' },
      { gateway: 'culqi', gateway_charge_id: null, gateway_amount: null, gateway_status: null, charge_id: 'ch_s', amount: 11800, status: 'succeeded' },
    ]);
  });

  it('charges that never reached the gateway are not expected there', () => {
    const notSent = local('ch_n', { status: 'failed', gatewayChargeId: null });
    const challenge = local('ch_c', { status: 'requires_action', gatewayChargeId: null });
    const oldPending = local('ch_p', { status: 'pending', gatewayChargeId: null });
    expect(run([notSent, challenge, oldPending], { culqi: [] })).toEqual({ matched: 0, ...noDiscrepancies });
  });

  it('nothing is claimed missing at a gateway that was not listed', () => {
    expect(run([local('ch_a', { gateway: 'mercadopago' })], { culqi: [] })).toEqual({ matched: 0, ...noDiscrepancies });
  });

  it('a charge recorded with one gateway id while the listing holds another for it: the recorded one is missing, the other is extra', () => {
    const a = local('ch_a', { gatewayChargeId: 'chr_recorded' });
    const result = run([a], { culqi: [remote('chr_other', { reference: 'ch_a' })] });
    expect(result.missing_at_gateway.map((e) => e.charge_id)).toEqual(['ch_a']);
    expect(result.missing_locally).toEqual([expect.objectContaining({ gateway_charge_id: 'chr_other', charge_id: 'ch_a' })]);
  });
});

describe('reconciliation matcher: missing locally and duplicates', () => {
  it('a second successful gateway charge for one of our charges is reported (a double charge), a declined one is not', () => {
    const a = local('ch_a', { gatewayChargeId: null });
    const result = run([a], { culqi: [remote('chr_1', { reference: 'ch_a' }), remote('chr_2', { reference: 'ch_a' }), remote('chr_3', { reference: 'ch_a', status: 'failed' })] });
    expect(result.matched).toBe(1);
    expect(result.missing_locally).toEqual([{ gateway: 'culqi', gateway_charge_id: 'chr_2', gateway_amount: 11800, gateway_status: 'succeeded', charge_id: 'ch_a', amount: 11800, status: 'succeeded' }]);
  });

  it('prefers the gateway charge that took the money as the counterpart (a declined 3-D Secure retry before the success)', () => {
    const a = local('ch_a', { gatewayChargeId: null });
    const result = run([a], { culqi: [remote('chr_declined', { reference: 'ch_a', status: 'failed' }), remote('chr_ok', { reference: 'ch_a' })] });
    expect(result).toEqual({ matched: 1, ...noDiscrepancies });
  });

  it('a gateway charge for our charge at another gateway than the one we recorded is extra there', () => {
    const a = local('ch_a', { gateway: 'mercadopago', gatewayChargeId: '555' });
    const result = run([a], { mercadopago: [twin(a)], culqi: [remote('chr_elsewhere', { reference: 'ch_a' })] });
    expect(result.matched).toBe(1);
    expect(result.missing_locally).toEqual([expect.objectContaining({ gateway: 'culqi', gateway_charge_id: 'chr_elsewhere', charge_id: 'ch_a' })]);
  });

  it('even without a recorded gateway id, a charge at another gateway is never the counterpart', () => {
    const a = local('ch_a', { gateway: 'mercadopago', gatewayChargeId: null });
    const result = run([a], { mercadopago: [], culqi: [remote('chr_elsewhere', { reference: 'ch_a' })] });
    expect(result.matched).toBe(0);
    expect(result.missing_at_gateway).toEqual([expect.objectContaining({ gateway: 'mercadopago', charge_id: 'ch_a' })]);
    expect(result.missing_locally).toEqual([expect.objectContaining({ gateway: 'culqi', gateway_charge_id: 'chr_elsewhere', charge_id: 'ch_a' })]);
  });

  it('gateway charges naming no known charge appear only in the unscoped (admin) report; unreferenced declines never', () => {
    const listed = {
      culqi: [remote('chr_unknown_ref', { reference: 'ch_nobody' }), remote('chr_no_ref'), remote('chr_validation', { status: 'failed' })],
      mercadopago: [remote('9001', { reference: 'ch_ghost', status: 'failed', amount: 1050 })],
    };
    expect(run([], listed)).toEqual({ matched: 0, ...noDiscrepancies });
    const admin = run([], listed, { appId: null });
    expect(admin.missing_locally).toEqual([
      { gateway: 'culqi', gateway_charge_id: 'chr_no_ref', gateway_amount: 11800, gateway_status: 'succeeded', charge_id: null, amount: null, status: null },
      { gateway: 'culqi', gateway_charge_id: 'chr_unknown_ref', gateway_amount: 11800, gateway_status: 'succeeded', charge_id: null, amount: null, status: null },
      { gateway: 'mercadopago', gateway_charge_id: '9001', gateway_amount: 1050, gateway_status: 'failed', charge_id: null, amount: null, status: null },
    ]);
  });
});

describe('reconciliation matcher: tenancy', () => {
  const mine = local('ch_mine');
  const theirs = local('ch_theirs', { appId: 'app_b', amount: 999 });
  const listed = { culqi: [twin(mine), twin(theirs, { amount: 1000 }), remote('chr_theirs_dup', { reference: 'ch_theirs' })] };

  it("another app's charges, mismatches and duplicates never reach this app's report", () => {
    expect(run([mine, theirs], listed)).toEqual({ matched: 1, ...noDiscrepancies });
    expect(run([mine, theirs], listed, { appId: 'app_b' })).toMatchObject({
      matched: 0,
      missing_locally: [expect.objectContaining({ charge_id: 'ch_theirs', gateway_charge_id: 'chr_theirs_dup' })],
      amount_mismatches: [expect.objectContaining({ charge_id: 'ch_theirs' })],
      missing_at_gateway: [],
    });
  });

  it('a gateway charge found only by the gateway id of another app’s charge is not missing locally for this app', () => {
    const other = local('ch_other', { appId: 'app_b', gatewayChargeId: 'chr_by_id' });
    expect(run([other], { culqi: [remote('chr_by_id')] })).toEqual({ matched: 0, ...noDiscrepancies });
  });

  it('the admin report sees every app', () => {
    const result = run([mine, theirs], listed, { appId: null });
    expect(result.matched).toBe(1);
    expect(result.amount_mismatches.map((e) => e.charge_id)).toEqual(['ch_theirs']);
    expect(result.missing_locally.map((e) => e.gateway_charge_id)).toEqual(['chr_theirs_dup']);
  });
});

describe('reconciliation matcher: period edges', () => {
  it('a pair is reported when either side falls in the period', () => {
    // Attempted just before the period, created at the gateway just inside it (clock skew).
    const edge = local('ch_edge', { attemptedAt: at(FROM, -30_000) });
    const result = run([edge], { culqi: [twin(edge, { createdAt: at(FROM, 10_000), amount: 1 })] });
    expect(result.amount_mismatches.map((e) => e.charge_id)).toEqual(['ch_edge']);
  });

  it('lone charges outside the period (read only for matching) are not reported', () => {
    const before = local('ch_before', { attemptedAt: at(FROM, -60_000) });
    const after = remote('chr_after', { createdAt: at(TO, 60_000) });
    expect(run([before], { culqi: [after] }, { appId: null })).toEqual({ matched: 0, ...noDiscrepancies });
  });

  it('a pair entirely outside the period is neither counted nor reported', () => {
    const before = local('ch_before', { attemptedAt: at(FROM, -60_000) });
    expect(run([before], { culqi: [twin(before, { createdAt: at(FROM, -59_000), amount: 5 })] })).toEqual({ matched: 0, ...noDiscrepancies });
  });

  it('an old local charge named by a gateway charge in the period is matched with it', () => {
    // Loaded by reference although attempted long before (a late-settling payment, say).
    const old = local('ch_old', { attemptedAt: at(FROM, -86_400_000), status: 'pending', gateway: 'mercadopago', gatewayChargeId: null });
    const result = run([old], { mercadopago: [remote('42', { reference: 'ch_old', createdAt: at(FROM, 1000) })] });
    expect(result.status_mismatches).toEqual([expect.objectContaining({ charge_id: 'ch_old', gateway_charge_id: '42', gateway_status: 'succeeded', status: 'pending' })]);
  });
});
