import { createPrivateKey, sign } from 'node:crypto';
import { Agent, request } from 'node:https';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateRequestDetails, getVapidHeaders } from 'web-push';
import { generateVapidKeys, validateVapidKeys } from '../../src/alerts/push/vapid-keys';
import { MAX_PUSH_PAYLOAD_BYTES, WebPushSender, type PushOutcome, type PushSubscriptionKeys, type VapidKeys } from '../../src/alerts/push/web-push.sender';
import { encryptForTest, startPushService, type PushService, type TestSubscription } from '../support/push-service';

// WebPushSender (over the web-push package) against the sandbox's push service simulator (src/sandbox/push/),
// written from RFC 8030/8188/8291/8292 with node:crypto only: what arrives must decrypt and verify there, and
// each answer must map to the right outcome.

let service: PushService;
let agent: Agent;
let sender: WebPushSender;
const vapid: VapidKeys = { subject: 'mailto:alerts@smartpay.test', ...generateVapidKeys() };

beforeAll(async () => {
  service = await startPushService();
  agent = new Agent({ ca: service.ca, keepAlive: true });
  sender = new WebPushSender(agent);
});

afterAll(async () => {
  agent.destroy();
  await service.close();
});

const keysOf = (sub: TestSubscription): PushSubscriptionKeys => ({ endpoint: sub.endpoint, ...sub.keys });
const receivedFor = (sub: TestSubscription) => service.received.filter((r) => r.endpoint === sub.endpoint);
const rejectedFor = (sub: TestSubscription) => service.rejected.filter((r) => r.endpoint === sub.endpoint);

function expectNoSecrets(outcome: PushOutcome, sub: TestSubscription, keys: VapidKeys = vapid): void {
  if (outcome.status !== 'failed') return;
  for (const secret of [sub.keys.p256dh, sub.keys.auth, keys.privateKey]) expect(outcome.message).not.toContain(secret);
}

/** POST a hand-made request to the simulator. */
function post(url: string, headers: Record<string, string | number>, body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': body.length } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A request exactly as web-push would send it, to alter before posting. */
function webPushRequest(sub: TestSubscription, payload: unknown) {
  const details = generateRequestDetails(sub, JSON.stringify(payload), {
    vapidDetails: vapid,
    TTL: 60,
    contentEncoding: 'aes128gcm',
  });
  const headers: Record<string, string | number> = { ...details.headers };
  delete headers['Content-Length'];
  return { headers, body: details.body };
}

/** An ES256 JWT signed here with node:crypto, for claims web-push refuses to produce. */
function vapidAuthorization(claims: Record<string, unknown>, keys: VapidKeys = vapid): string {
  const pub = Buffer.from(keys.publicKey, 'base64url');
  const key = createPrivateKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: pub.subarray(1, 33).toString('base64url'),
      y: pub.subarray(33).toString('base64url'),
      d: keys.privateKey,
    },
    format: 'jwk',
  });
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signed = `${part({ typ: 'JWT', alg: 'ES256' })}.${part(claims)}`;
  const signature = sign('sha256', Buffer.from(signed), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
  return `vapid t=${signed}.${signature}, k=${keys.publicKey}`;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('WebPushSender → push service simulator', () => {
  it('delivers an encrypted payload the simulator decrypts, with a verified VAPID JWT and the requested headers', async () => {
    const sub = service.newSubscription({ applicationServerKey: vapid.publicKey });
    const payload = { type: 'charge.succeeded', chargeId: 'chg_01J', amount: 1500, currency: 'PEN', note: 'Pago recibido ✓ ñ' };
    const before = nowSeconds();

    const outcome = await sender.send(keysOf(sub), payload, vapid, { ttlSeconds: 3600, urgency: 'high' });

    expect(outcome).toEqual({ status: 'sent', httpStatus: 201 });
    expect(rejectedFor(sub)).toEqual([]);
    const [push, ...more] = receivedFor(sub);
    expect(more).toHaveLength(0);
    expect(push?.payload).toEqual(payload);
    expect(push?.vapid.aud).toBe(service.url);
    expect(push?.vapid.sub).toBe('mailto:alerts@smartpay.test');
    expect(push?.vapid.exp).toBeGreaterThan(before);
    expect(push?.vapid.exp).toBeLessThanOrEqual(nowSeconds() + 24 * 3600);
    expect(push?.vapidPublicKey).toBe(vapid.publicKey);
    expect(push?.headers.ttl).toBe('3600');
    expect(push?.headers.urgency).toBe('high');
    expect(push?.headers['content-encoding']).toBe('aes128gcm');
    expect(push?.headers['content-type']).toBe('application/octet-stream');
    expect(push?.headers.authorization).toMatch(/^vapid t=[\w-]+\.[\w-]+\.[\w-]+, k=[\w-]+$/);
  });

  it('defaults to a one-day TTL and normal urgency', async () => {
    const sub = service.newSubscription();
    expect(await sender.send(keysOf(sub), { n: 1 }, vapid)).toEqual({ status: 'sent', httpStatus: 201 });
    expect(receivedFor(sub).map((r) => [r.headers.ttl, r.headers.urgency])).toEqual([['86400', 'normal']]);
  });

  it('sends a payload of exactly the limit (a 4096-byte body) and refuses one byte more without a request', async () => {
    const sub = service.newSubscription();
    const fill = (bytes: number) => ({ text: 'x'.repeat(bytes - '{"text":""}'.length) });

    expect(await sender.send(keysOf(sub), fill(MAX_PUSH_PAYLOAD_BYTES), vapid)).toEqual({ status: 'sent', httpStatus: 201 });
    expect(receivedFor(sub)[0]?.headers['content-length']).toBe('4096');

    const counts = [service.received.length, service.rejected.length];
    const outcome = await sender.send(keysOf(sub), fill(MAX_PUSH_PAYLOAD_BYTES + 1), vapid);
    expect(outcome).toEqual({
      status: 'failed',
      httpStatus: null,
      retryable: false,
      message: `payload is ${MAX_PUSH_PAYLOAD_BYTES + 1} bytes of JSON; the push limit is ${MAX_PUSH_PAYLOAD_BYTES}`,
    });
    expect([service.received.length, service.rejected.length]).toEqual(counts);
  });

  it('maps 410 and 404 to gone, including a subscription the service does not know', async () => {
    const sub = service.newSubscription();
    service.respondNext(410);
    expect(await sender.send(keysOf(sub), { n: 1 }, vapid)).toEqual({ status: 'gone', httpStatus: 410 });
    service.respondNext(404);
    expect(await sender.send(keysOf(sub), { n: 2 }, vapid)).toEqual({ status: 'gone', httpStatus: 404 });
    // The simulator verified both before answering.
    expect(receivedFor(sub).map((r) => [r.status, r.payload])).toEqual([
      [410, { n: 1 }],
      [404, { n: 2 }],
    ]);

    const unknown = { ...keysOf(sub), endpoint: `${service.url}/push/no-such-subscription` };
    expect(await sender.send(unknown, { n: 3 }, vapid)).toEqual({ status: 'gone', httpStatus: 404 });
    expect(service.rejected.filter((r) => r.endpoint === unknown.endpoint).map(({ endpoint, status, reason }) => ({ endpoint, status, reason }))).toEqual([
      { endpoint: unknown.endpoint, status: 404, reason: 'unknown subscription' },
    ]);
  });

  it('makes 429 and 5xx retryable failures and other 4xx final ones; respondNext counts down', async () => {
    const sub = service.newSubscription();
    service.respondNext(429);
    service.respondNext(500, 2);
    service.respondNext(400);
    const outcomes = [];
    for (let i = 0; i < 5; i += 1) outcomes.push(await sender.send(keysOf(sub), { i }, vapid));

    expect(outcomes).toEqual([
      { status: 'failed', httpStatus: 429, retryable: true, message: 'push service answered 429: push simulator answered 429' },
      { status: 'failed', httpStatus: 500, retryable: true, message: 'push service answered 500: push simulator answered 500' },
      { status: 'failed', httpStatus: 500, retryable: true, message: 'push service answered 500: push simulator answered 500' },
      { status: 'failed', httpStatus: 400, retryable: false, message: 'push service answered 400: push simulator answered 400' },
      { status: 'sent', httpStatus: 201 },
    ]);
    for (const outcome of outcomes) expectNoSecrets(outcome, sub);
  });

  it('makes a refused connection a retryable failure with no HTTP status', async () => {
    const closed = createTcpServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((done) => closed.close(() => done()));
    const sub = service.newSubscription();

    const outcome = await sender.send({ ...keysOf(sub), endpoint: `https://127.0.0.1:${port}/push/x` }, { n: 1 }, vapid);

    expect(outcome).toMatchObject({ status: 'failed', httpStatus: null, retryable: true });
    expect(outcome.status === 'failed' && outcome.message).toMatch(/^push request failed: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
  });

  it('makes a silent server a retryable failure after timeoutMs', async () => {
    const held: Socket[] = [];
    const silent: TcpServer = createTcpServer((socket) => held.push(socket));
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    const sub = service.newSubscription();
    const started = Date.now();

    const outcome = await sender.send(
      { ...keysOf(sub), endpoint: `https://127.0.0.1:${(silent.address() as AddressInfo).port}/push/x` },
      { n: 1 },
      vapid,
      { timeoutMs: 200 },
    );

    expect(outcome).toEqual({ status: 'failed', httpStatus: null, retryable: true, message: 'push request failed: Socket timeout' });
    expect(Date.now() - started).toBeLessThan(5_000);
    for (const socket of held) socket.destroy();
    await new Promise<void>((done) => silent.close(() => done()));
  });

  it('refuses bad input before sending, without repeating keys', async () => {
    const sub = service.newSubscription();
    const counts = [service.received.length, service.rejected.length];
    const shortKey = { ...vapid, privateKey: vapid.privateKey.slice(0, 20) };
    const cases: [PushOutcome, string][] = [
      [await sender.send(keysOf(sub), { n: 1 }, { ...vapid, subject: 'ftp://smartpay.test' }), 'push request not sent: Vapid subject is not an https: or mailto: URL. ftp://smartpay.test'],
      [await sender.send(keysOf(sub), { n: 1 }, shortKey), 'push request not sent: Vapid private key should be 32 bytes long when decoded.'],
      [await sender.send({ ...keysOf(sub), auth: 'AAAA' }, { n: 1 }, vapid), 'subscription auth is not a base64url 16-byte secret'],
      [await sender.send({ ...keysOf(sub), p256dh: vapid.privateKey }, { n: 1 }, vapid), 'subscription p256dh is not a base64url uncompressed P-256 public key'],
      [await sender.send({ ...keysOf(sub), endpoint: sub.endpoint.replace('https:', 'http:') }, { n: 1 }, vapid), 'subscription endpoint must be an https: URL'],
      [await sender.send(keysOf(sub), { n: 1n }, vapid), 'payload is not serialisable as JSON: Do not know how to serialize a BigInt'],
      [await sender.send(keysOf(sub), { n: 1 }, vapid, { ttlSeconds: -1 }), 'ttlSeconds must be a non-negative integer'],
    ];
    for (const [outcome, message] of cases) {
      expect(outcome).toEqual({ status: 'failed', httpStatus: null, retryable: false, message });
      expectNoSecrets(outcome, sub, shortKey);
      expectNoSecrets(outcome, sub);
    }
    expect([service.received.length, service.rejected.length]).toEqual(counts);
  });
});

describe('push service simulator checks what it receives', () => {
  it('rejects a JWT signed by a key other than k (401), through the sender', async () => {
    const sub = service.newSubscription();
    const other = generateVapidKeys();
    const mismatched = { ...vapid, publicKey: other.publicKey };

    const outcome = await sender.send(keysOf(sub), { n: 1 }, mismatched);

    expect(outcome).toEqual({ status: 'failed', httpStatus: 401, retryable: false, message: 'push service answered 401: JWT signature does not verify with k' });
    expect(rejectedFor(sub).map(({ endpoint, status, reason }) => ({ endpoint, status, reason }))).toEqual([{ endpoint: sub.endpoint, status: 401, reason: 'JWT signature does not verify with k' }]);
    expect(receivedFor(sub)).toEqual([]);
  });

  it('rejects a VAPID key that is not the subscription applicationServerKey (403)', async () => {
    const sub = service.newSubscription({ applicationServerKey: vapid.publicKey });
    const otherVapid = { subject: vapid.subject, ...generateVapidKeys() };

    expect(await sender.send(keysOf(sub), { n: 1 }, otherVapid)).toMatchObject({ status: 'failed', httpStatus: 403, retryable: false });
    expect(rejectedFor(sub).map((r) => r.reason)).toEqual(['VAPID key is not the applicationServerKey of the subscription']);
  });

  it('accepts web-push request bytes as they are and rejects them with one ciphertext byte flipped', async () => {
    const sub = service.newSubscription();
    const { headers, body } = webPushRequest(sub, { raw: true });

    expect((await post(sub.endpoint, headers, body)).status).toBe(201);
    expect(receivedFor(sub).map((r) => r.payload)).toEqual([{ raw: true }]);

    const tampered = Buffer.from(body);
    tampered[tampered.length - 20] = (tampered[tampered.length - 20] ?? 0) ^ 0x01;
    expect(await post(sub.endpoint, headers, tampered)).toEqual({ status: 400, text: 'record 0 does not decrypt (AES-128-GCM tag check failed)' });
    expect(rejectedFor(sub).map((r) => [r.status, r.reason])).toEqual([[400, 'record 0 does not decrypt (AES-128-GCM tag check failed)']]);
  });

  it('rejects missing TTL, the wrong Content-Encoding, a bad Urgency and a missing Authorization', async () => {
    const sub = service.newSubscription();
    const { headers, body } = webPushRequest(sub, { n: 1 });
    const without = (name: string) => Object.fromEntries(Object.entries(headers).filter(([k]) => k !== name));

    expect(await post(sub.endpoint, without('TTL'), body)).toEqual({ status: 400, text: 'missing TTL header' });
    expect(await post(sub.endpoint, { ...headers, TTL: '-5' }, body)).toEqual({ status: 400, text: 'TTL header is not a non-negative integer: -5' });
    expect(await post(sub.endpoint, { ...headers, 'Content-Encoding': 'aesgcm' }, body)).toEqual({ status: 400, text: 'Content-Encoding must be aes128gcm, got aesgcm' });
    expect(await post(sub.endpoint, { ...headers, Urgency: 'urgent' }, body)).toEqual({ status: 400, text: 'invalid Urgency header: urgent' });
    expect(await post(sub.endpoint, without('Authorization'), body)).toEqual({ status: 401, text: 'missing Authorization header' });
    expect(rejectedFor(sub)).toHaveLength(5);
    expect(receivedFor(sub)).toEqual([]);
  });

  it('checks the JWT claims: aud is the endpoint origin, exp in the future and at most 24 h ahead, sub mailto:/https:', async () => {
    const sub = service.newSubscription();
    const { headers, body } = webPushRequest(sub, { n: 1 });
    const good = { aud: service.url, exp: nowSeconds() + 3600, sub: 'https://smartpay.test/contact' };
    const withAuth = (authorization: string) => ({ ...headers, Authorization: authorization });

    // The hand-signed JWT is accepted when its claims are right, so the rejections below are about the claims.
    expect((await post(sub.endpoint, withAuth(vapidAuthorization(good)), body)).status).toBe(201);

    const wrongAud = getVapidHeaders('https://push.example.com', vapid.subject, vapid.publicKey, vapid.privateKey, 'aes128gcm').Authorization;
    expect(await post(sub.endpoint, withAuth(wrongAud), body)).toEqual({ status: 401, text: `JWT aud https://push.example.com is not ${service.url}` });
    const expired = getVapidHeaders(service.url, vapid.subject, vapid.publicKey, vapid.privateKey, 'aes128gcm', nowSeconds() - 60).Authorization;
    expect(await post(sub.endpoint, withAuth(expired), body)).toEqual({ status: 401, text: 'JWT has expired' });
    expect(await post(sub.endpoint, withAuth(vapidAuthorization({ ...good, exp: nowSeconds() + 25 * 3600 })), body)).toEqual({
      status: 401,
      text: 'JWT exp is more than 24 hours ahead',
    });
    expect(await post(sub.endpoint, withAuth(vapidAuthorization({ ...good, sub: 'http://smartpay.test' })), body)).toEqual({
      status: 401,
      text: 'JWT sub is not a mailto: or https: URI',
    });
    expect(receivedFor(sub)).toHaveLength(1);
  });

  it('decrypts several records in order and rejects reordered ones or a wrong last delimiter', async () => {
    const sub = service.newSubscription();
    const headers = { TTL: 60, 'Content-Encoding': 'aes128gcm', Authorization: vapidAuthorization({ aud: service.url, exp: nowSeconds() + 60, sub: vapid.subject }) };
    const json = Buffer.from(JSON.stringify({ records: 'abcdefghij'.repeat(10) }));
    const rs = 67; // 50 bytes of data + delimiter + 16-byte tag

    const body = encryptForTest(sub, json, { rs });
    expect(json.length).toBe(114); // records of 50 + 50 + 14 bytes
    expect(body.length).toBe(86 + rs + rs + (14 + 17));
    expect((await post(sub.endpoint, headers, body)).status).toBe(201);

    const records = 86;
    const swapped = Buffer.concat([body.subarray(0, records), body.subarray(records + rs, records + 2 * rs), body.subarray(records, records + rs), body.subarray(records + 2 * rs)]);
    expect(await post(sub.endpoint, headers, swapped)).toEqual({ status: 400, text: 'record 0 does not decrypt (AES-128-GCM tag check failed)' });
    expect(await post(sub.endpoint, headers, encryptForTest(sub, json, { rs, lastDelimiter: 1 }))).toEqual({
      status: 400,
      text: 'record 2 lacks the 0x02 padding delimiter',
    });
    expect(receivedFor(sub).map((r) => r.payload)).toEqual([{ records: 'abcdefghij'.repeat(10) }]);
  });
});

describe('VAPID keys', () => {
  it('generates valid, distinct key pairs', () => {
    const a = generateVapidKeys();
    const b = generateVapidKeys();
    expect(Buffer.from(a.publicKey, 'base64url')).toHaveLength(65);
    expect(Buffer.from(a.privateKey, 'base64url')).toHaveLength(32);
    expect(a.privateKey).not.toBe(b.privateKey);
    expect(validateVapidKeys(a.publicKey, a.privateKey, 'mailto:alerts@smartpay.test')).toEqual([]);
    expect(validateVapidKeys(b.publicKey, b.privateKey, 'https://smartpay.test/contact')).toEqual([]);
  });

  it('reports malformed keys, a mismatched pair and bad subjects', () => {
    const { publicKey, privateKey } = generateVapidKeys();
    const other = generateVapidKeys();
    const offCurve = Buffer.from(publicKey, 'base64url');
    offCurve[64] = (offCurve[64] ?? 0) ^ 0x01;
    const subject = 'mailto:alerts@smartpay.test';

    const truncated = (key: string, bytes: number) => Buffer.from(key, 'base64url').subarray(0, bytes).toString('base64url');

    expect(validateVapidKeys(truncated(publicKey, 32), privateKey, subject)).toEqual([
      'VAPID public key must be an uncompressed P-256 point (65 bytes starting 0x04), got 32 bytes',
    ]);
    expect(validateVapidKeys(`${publicKey}=`, privateKey, subject)).toEqual(['VAPID public key is not base64url (A-Z a-z 0-9 - _, no padding)']);
    expect(validateVapidKeys(offCurve.toString('base64url'), privateKey, subject)).toEqual(['VAPID public key is not a point on the P-256 curve']);
    expect(validateVapidKeys(publicKey, truncated(privateKey, 31), subject)).toEqual(['VAPID private key must be 32 bytes, got 31 bytes']);
    expect(validateVapidKeys(publicKey, 'not+base64/', subject)).toEqual(['VAPID private key is not base64url (A-Z a-z 0-9 - _, no padding)']);
    expect(validateVapidKeys(publicKey, Buffer.alloc(32).toString('base64url'), subject)).toEqual(['VAPID private key is not a valid P-256 private key']);
    expect(validateVapidKeys(publicKey, other.privateKey, subject)).toEqual(['VAPID private key does not belong to the VAPID public key']);

    expect(validateVapidKeys(publicKey, privateKey, 'alerts@smartpay.test')).toEqual(['VAPID subject must be a mailto: or https: URL (e.g. mailto:alerts@example.com)']);
    expect(validateVapidKeys(publicKey, privateKey, 'http://smartpay.test')).toEqual(['VAPID subject must be a mailto: or https: URL, not http:']);
    expect(validateVapidKeys(publicKey, privateKey, 'mailto:')).toEqual(['VAPID subject mailto: URL has no e-mail address']);
    expect(validateVapidKeys(publicKey, privateKey, 'https://localhost/contact')).toEqual(['VAPID subject must not point at localhost (Apple rejects it)']);

    const everything = validateVapidKeys('', '', '');
    expect(everything).toHaveLength(3);
    for (const problem of everything) expect(problem).not.toContain(privateKey);
  });
});
