import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  parseMercadoPagoWebhook,
  parseSignatureHeader,
  signatureManifest,
  verifyMercadoPagoSignature,
} from '../../src/gateways/mercadopago/mercadopago.webhook';

const SECRET = 'whsec-test-mp-secret';
const NOW_S = 1_704_908_010;
const NOW_MS = NOW_S * 1000;
const REQUEST_ID = 'bb56a2f1-6aae-46ac-982e-9dcd3581d08e';

/** Signs exactly as the docs describe: HMAC-SHA256, hex, panel secret, `id:…;request-id:…;ts:…;`. */
function sign(parts: { dataId?: string; requestId?: string; ts: string; secret?: string }): string {
  let manifest = '';
  if (parts.dataId !== undefined) manifest += `id:${parts.dataId};`;
  if (parts.requestId !== undefined) manifest += `request-id:${parts.requestId};`;
  manifest += `ts:${parts.ts};`;
  const v1 = createHmac('sha256', parts.secret ?? SECRET).update(manifest).digest('hex');
  return `ts=${parts.ts},v1=${v1}`;
}

const check = (over: Partial<Parameters<typeof verifyMercadoPagoSignature>[0]>) =>
  verifyMercadoPagoSignature({
    xSignature: sign({ dataId: '123456', requestId: REQUEST_ID, ts: String(NOW_S) }),
    xRequestId: REQUEST_ID,
    dataId: '123456',
    secret: SECRET,
    nowMs: NOW_MS,
    toleranceMs: 5 * 60_000,
    ...over,
  });

describe('verifyMercadoPagoSignature', () => {
  it('accepts a signature made with node:crypto exactly as the docs describe', () => {
    expect(check({})).toEqual({ ok: true });
  });

  it('accepts header spacing and key case variations', () => {
    const [ts, v1] = sign({ dataId: '123456', requestId: REQUEST_ID, ts: String(NOW_S) }).split(',');
    expect(check({ xSignature: ` ${ts!.replace('ts', 'TS')} , ${v1!.replace('v1=', 'V1= ')}` })).toEqual({ ok: true });
  });

  it('rejects a forged signature, a wrong secret, another payment id and another request id', () => {
    expect(check({ xSignature: `ts=${NOW_S},v1=${'0'.repeat(64)}` })).toEqual({ ok: false, reason: 'mismatch' });
    expect(check({ xSignature: sign({ dataId: '123456', requestId: REQUEST_ID, ts: String(NOW_S), secret: 'other' }) })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(check({ dataId: '123457' })).toEqual({ ok: false, reason: 'mismatch' });
    expect(check({ xRequestId: 'another-request' })).toEqual({ ok: false, reason: 'mismatch' });
    // The signed ts cannot be swapped for a fresher one.
    const forged = sign({ dataId: '123456', requestId: REQUEST_ID, ts: String(NOW_S) }).replace(`ts=${NOW_S}`, `ts=${NOW_S + 1}`);
    expect(check({ xSignature: forged })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('rejects a stale or future timestamp', () => {
    const old = String(NOW_S - 301);
    expect(check({ xSignature: sign({ dataId: '123456', requestId: REQUEST_ID, ts: old }) })).toEqual({ ok: false, reason: 'stale' });
    const future = String(NOW_S + 301);
    expect(check({ xSignature: sign({ dataId: '123456', requestId: REQUEST_ID, ts: future }) })).toEqual({ ok: false, reason: 'stale' });
  });

  it('reads a 13-digit ts as milliseconds for the freshness check', () => {
    const tsMs = String(NOW_MS - 1234);
    expect(check({ xSignature: sign({ dataId: '123456', requestId: REQUEST_ID, ts: tsMs }) })).toEqual({ ok: true });
    const staleMs = String(NOW_MS - 10 * 60_000);
    expect(check({ xSignature: sign({ dataId: '123456', requestId: REQUEST_ID, ts: staleMs }) })).toEqual({ ok: false, reason: 'stale' });
  });

  it('drops an absent request-id (and an absent data.id) from the manifest', () => {
    expect(signatureManifest('123456', undefined, '1')).toBe('id:123456;ts:1;');
    expect(signatureManifest(undefined, 'r', '1')).toBe('request-id:r;ts:1;');
    expect(signatureManifest(undefined, undefined, '1')).toBe('ts:1;');
    const noRequestId = sign({ dataId: '123456', ts: String(NOW_S) });
    expect(check({ xSignature: noRequestId, xRequestId: undefined })).toEqual({ ok: true });
    // Signed without it, so a verifier that kept an empty "request-id:;" part would fail here.
    expect(check({ xSignature: noRequestId, xRequestId: '' })).toEqual({ ok: true });
    const noDataId = sign({ requestId: REQUEST_ID, ts: String(NOW_S) });
    expect(check({ xSignature: noDataId, dataId: undefined })).toEqual({ ok: true });
  });

  it('accepts an alphanumeric id signed lowercased', () => {
    const signed = sign({ dataId: 'ord01jq4s4ky8', requestId: REQUEST_ID, ts: String(NOW_S) });
    expect(check({ xSignature: signed, dataId: 'ORD01JQ4S4KY8' })).toEqual({ ok: true });
  });

  it('explains malformed input', () => {
    expect(check({ xSignature: undefined })).toEqual({ ok: false, reason: 'missing_signature' });
    expect(check({ xSignature: 'v1=abc' })).toEqual({ ok: false, reason: 'malformed_signature' });
    expect(check({ xSignature: `ts=${NOW_S}` })).toEqual({ ok: false, reason: 'malformed_signature' });
    expect(check({ xSignature: 'ts=yesterday,v1=abc' })).toEqual({ ok: false, reason: 'malformed_signature' });
    expect(check({ secret: '' })).toEqual({ ok: false, reason: 'missing_secret' });
  });

  it('parses the header by the first "=" only', () => {
    expect(parseSignatureHeader('ts=1,v1=a=b, junk ,x=')).toEqual(
      new Map([
        ['ts', ['1']],
        ['v1', ['a=b']],
      ]),
    );
  });
});

describe('parseMercadoPagoWebhook', () => {
  const body = { id: 12345, live_mode: false, type: 'payment', action: 'payment.updated', data: { id: '999999999' } };

  it('takes data.id from the query string first', () => {
    expect(parseMercadoPagoWebhook({ 'data.id': '111', type: 'payment' }, body)).toEqual({ eventId: '12345', action: 'payment.updated', paymentId: '111' });
  });

  it('falls back to the body (and to a nested qs-style query)', () => {
    expect(parseMercadoPagoWebhook({}, body)).toEqual({ eventId: '12345', action: 'payment.updated', paymentId: '999999999' });
    expect(parseMercadoPagoWebhook({ data: { id: '222' } }, body)?.paymentId).toBe('222');
  });

  it('ignores other topics and notifications without a usable id', () => {
    expect(parseMercadoPagoWebhook({ type: 'topic_merchant_order_wh', 'data.id': '1' }, { type: 'topic_merchant_order_wh' })).toBeNull();
    expect(parseMercadoPagoWebhook({}, { type: 'payment', data: {} })).toBeNull();
    expect(parseMercadoPagoWebhook({ 'data.id': '../../etc' }, null)).toBeNull();
  });

  it('copes with a body-less notification', () => {
    expect(parseMercadoPagoWebhook({ 'data.id': '5', type: 'payment' }, undefined)).toEqual({ eventId: null, action: 'payment', paymentId: '5' });
  });
});
