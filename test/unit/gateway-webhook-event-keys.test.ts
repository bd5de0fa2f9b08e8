import { describe, expect, it } from 'vitest';
import { culqiEvent, mercadoPagoEvent, signedDataId } from '../../src/gateway-webhooks/webhook-event-keys';

const CHARGE_ID = 'ch_01JD6Z7Q4V9YB3N0K2M8W5T1XR';
const REFUND_ID = 're_01JD6Z7Q4V9YB3N0K2M8W5T1XR';

describe('webhook event keys', () => {
  it('Mercado Pago: the notification id is the key, whatever the request id of the attempt', () => {
    const body = { id: 12345678901, type: 'payment', action: 'payment.updated', date_created: '2026-11-28T01:02:03.000-04:00', data: { id: '555' } };
    const first = mercadoPagoEvent({ 'data.id': '555', type: 'payment' }, body, 'req-1');
    const retry = mercadoPagoEvent({ 'data.id': '555', type: 'payment' }, body, 'req-2');
    expect(first).toEqual({ eventKey: 'mp:12345678901', eventType: 'payment.updated', resourceType: 'payment', resourceId: '555', chargeHint: null, ignoreReason: null });
    expect(retry).toEqual(first);
  });

  it('Mercado Pago without a notification id: payment id, action and creation date', () => {
    const body = { type: 'payment', action: 'payment.created', date_created: '2026-11-28T01:02:03.000-04:00', data: { id: '555' } };
    expect(mercadoPagoEvent({ 'data.id': '555' }, body, 'req-1')?.eventKey).toBe('mp:555:payment.created:2026-11-28T01:02:03.000-04:00');
    expect(mercadoPagoEvent({ 'data.id': '555' }, { ...body, action: 'payment.updated' }, 'req-1')?.eventKey).toBe('mp:555:payment.updated:2026-11-28T01:02:03.000-04:00');
  });

  it('Mercado Pago: another topic is kept but ignored; a body without a payment is no notification', () => {
    const other = mercadoPagoEvent({ 'data.id': '77', type: 'merchant_order' }, { id: 9, type: 'merchant_order', action: 'merchant_order.updated', data: { id: '77' } }, undefined);
    expect(other).toMatchObject({ eventKey: 'mp:9', resourceType: 'unknown', ignoreReason: expect.stringContaining('not processed') });
    expect(mercadoPagoEvent({}, { type: 'payment' }, undefined)).toBeNull();
    expect(mercadoPagoEvent({}, 'x', undefined)).toBeNull();
  });

  it('the signed data.id comes from the query string only', () => {
    expect(signedDataId({ 'data.id': '123' })).toBe('123');
    expect(signedDataId({ data: { id: '123' } })).toBe('123');
    expect(signedDataId({})).toBeUndefined();
  });

  it('Culqi: the evt_ id is the key; our charge id in metadata is kept as a hint', () => {
    const data = JSON.stringify({ object: 'charge', id: 'chr_test_abc', metadata: { smartpay_charge_id: CHARGE_ID } });
    expect(culqiEvent({ object: 'event', id: 'evt_test_1', type: 'charge.creation.succeeded', data })).toEqual({
      eventKey: 'evt_test_1',
      eventType: 'charge.creation.succeeded',
      resourceType: 'charge',
      resourceId: 'chr_test_abc',
      chargeHint: CHARGE_ID,
      ignoreReason: null,
    });
    const forged = JSON.stringify({ object: 'charge', id: 'chr_test_abc', metadata: { smartpay_charge_id: 'ord_x' } });
    expect(culqiEvent({ object: 'event', id: 'evt_test_2', type: 'charge.creation.succeeded', data: forged })?.chargeHint).toBeNull();
  });

  it('Culqi refund events are processed: our refund id (metadata) and the refunded charge (data.chargeId) are kept as hints', () => {
    const data = JSON.stringify({ object: 'refund', id: 'ref_test_abc', chargeId: 'chr_test_xyz', creationDate: 1_700_000_000_000, amount: 100, metadata: { smartpay_refund_id: REFUND_ID } });
    expect(culqiEvent({ object: 'event', id: 'evt_test_r1', type: 'refund.creation.succeeded', data })).toEqual({
      eventKey: 'evt_test_r1',
      eventType: 'refund.creation.succeeded',
      resourceType: 'refund',
      resourceId: 'ref_test_abc',
      chargeHint: null,
      refundHint: { refundId: REFUND_ID, gatewayChargeId: 'chr_test_xyz' },
      ignoreReason: null,
    });
    // An object instead of a JSON string is read the same; a refund without metadata still names its charge.
    expect(culqiEvent({ object: 'event', id: 'evt_test_r2', type: 'refund.creation.succeeded', data: { object: 'refund', id: 'ref_test_def', chargeId: 'chr_test_xyz', metadata: {} } })?.refundHint).toEqual({
      refundId: null,
      gatewayChargeId: 'chr_test_xyz',
    });
    // Hints that are not ours or not ids are dropped: a charge id is no refund id, a refund id no charge hint.
    const odd = JSON.stringify({ object: 'refund', id: 'ref_test_ghi', chargeId: 'chr test; drop', metadata: { smartpay_refund_id: CHARGE_ID, smartpay_charge_id: CHARGE_ID } });
    expect(culqiEvent({ object: 'event', id: 'evt_test_r3', type: 'refund.creation.succeeded', data: odd })).toMatchObject({
      chargeHint: null,
      refundHint: { refundId: null, gatewayChargeId: null },
    });
  });

  it('Culqi charge events carry no refund hint', () => {
    const data = JSON.stringify({ object: 'charge', id: 'chr_test_abc', metadata: { smartpay_refund_id: REFUND_ID } });
    expect(culqiEvent({ object: 'event', id: 'evt_test_c1', type: 'charge.creation.succeeded', data })).not.toHaveProperty('refundHint');
  });

  it('Culqi: unsupported kinds are ignored; oversized or malformed ids are refused', () => {
    expect(culqiEvent({ object: 'event', id: 'evt_test_3', type: 'customer.creation.succeeded', data: '{"object":"customer","id":"cus_test_1"}' })).toMatchObject({
      resourceType: 'unknown',
      ignoreReason: expect.stringContaining('not processed'),
    });
    expect(culqiEvent({ object: 'event', id: `evt_${'x'.repeat(200)}`, type: 'charge.creation.succeeded', data: '{}' })).toBeNull();
    expect(culqiEvent({ object: 'event', id: 'evt 1', type: 'charge.creation.succeeded', data: '{}' })).toBeNull();
    expect(culqiEvent({ object: 'charge', id: 'chr_1' })).toBeNull();
  });
});
