import express from 'express';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Errors, type Models, ServerClient } from 'postmark';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSandboxControlRouter } from '../../src/sandbox/control-router';
import { Sandbox } from '../../src/sandbox/sandbox';
import { recordSecret } from '../support/test-env';

/** The Postmark simulator driven by the official `postmark` client, as SmartPay's adapter will drive it. */

const HOOK_USER = 'pm-hook';
const HOOK_PASSWORD = 'hook-secret-456';

let sandbox: Sandbox;
let pm: { base_url: string; server_token: string };
let client: ServerClient;
let control: string;
let controlServer: Server;
let hookServer: Server;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- webhook JSON is read untyped, as the other suites read gateway bodies
const hooks: { headers: IncomingHttpHeaders; body: any }[] = [];

const listen = (server: Server) => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));
const clientFor = (token: string) => new ServerClient(token, { useHttps: false, requestHost: new URL(pm.base_url).host, timeout: 5 });

beforeAll(async () => {
  hookServer = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      hooks.push({ headers: req.headers, body: JSON.parse(body) });
      res.writeHead(200).end('ok');
    });
  });
  const hookUrl = await listen(hookServer);
  sandbox = await new Sandbox({
    postmarkWebhookUrl: `${hookUrl}/webhooks/postmark`,
    postmarkWebhookUser: HOOK_USER,
    postmarkWebhookPassword: HOOK_PASSWORD,
    webhookRetryDelaysMs: [20, 20, 20],
  }).start();
  const app = express();
  app.use('/sandbox', createSandboxControlRouter(sandbox));
  controlServer = createServer(app);
  control = `${await listen(controlServer)}/sandbox`;
  pm = sandbox.describe().postmark!;
  recordSecret(pm.server_token);
  client = clientFor(pm.server_token);
});

afterAll(async () => {
  await sandbox.close();
  await close(controlServer);
  await close(hookServer);
});

beforeEach(async () => {
  await fetch(`${control}/postmark/_faults`, { method: 'DELETE' });
});

/** The rejection of `promise` (fails the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Errors.PostmarkError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, 'expected the call to fail').toBeInstanceOf(Errors.PostmarkError);
  return err as Errors.PostmarkError;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- control JSON is read untyped
async function controlJson(path: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const res = await fetch(`${control}${path}`, init);
  return { status: res.status, body: await res.json() };
}

/** Stored messages carrying metadata `marker=<marker>`, through the control endpoint. */
async function storedWith(marker: string) {
  return (await controlJson(`/postmark/_messages?metadata.marker=${encodeURIComponent(marker)}`)).body.data as Record<string, unknown>[];
}

const message = (marker: string, extra: Partial<Models.Message> = {}): Models.Message => ({
  From: 'SmartPay <no-reply@smartpay.pe>',
  To: 'ana@example.com',
  Subject: 'Tu pago',
  HtmlBody: '<p>Gracias</p>',
  TextBody: 'Gracias',
  Metadata: { marker },
  ...extra,
});

describe('sending', () => {
  it('describes itself with an origin and a server token', () => {
    expect(pm.base_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(pm.server_token).toMatch(/^pm-sandbox-[0-9a-f-]{36}$/);
  });

  it('accepts a message, answers as Postmark and stores it', async () => {
    const marker = randomUUID();
    const res = await client.sendEmail(message(marker, { Cc: '"Pérez, Luis" <luis@example.com>', Tag: 'receipt', MessageStream: 'outbound' }));
    expect(res).toMatchObject({ To: 'ana@example.com', ErrorCode: 0, Message: 'OK' });
    expect(res.MessageID).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(Math.abs(Date.parse(res.SubmittedAt) - Date.now())).toBeLessThan(5_000);

    const stored = await storedWith(marker);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ MessageID: res.MessageID, From: 'SmartPay <no-reply@smartpay.pe>', To: 'ana@example.com', Cc: '"Pérez, Luis" <luis@example.com>', Subject: 'Tu pago', HtmlBody: '<p>Gracias</p>', TextBody: 'Gracias', Tag: 'receipt', MessageStream: 'outbound', Metadata: { marker } });
    expect(typeof stored[0]!.received_at).toBe('string');
    expect((await controlJson(`/postmark/_messages?to=LUIS@example.com&metadata.marker=${marker}`)).body.data).toHaveLength(1);
    expect((await controlJson(`/postmark/_messages?to=nobody@example.com&metadata.marker=${marker}`)).body.data).toHaveLength(0);

    const details = await client.getOutboundMessageDetails(res.MessageID);
    expect(details).toMatchObject({ MessageID: res.MessageID, Status: 'Sent', Recipients: ['ana@example.com', 'luis@example.com'], Cc: [{ Email: 'luis@example.com', Name: 'Pérez, Luis' }], TextBody: 'Gracias', HtmlBody: '<p>Gracias</p>' });
  });

  it('answers a batch item by item: a bad message fails alone', async () => {
    const marker = randomUUID();
    const results = await client.sendEmailBatch([message(marker), message(marker, { HtmlBody: undefined, TextBody: undefined }), message(marker, { To: 'otro@example.com' })]);
    expect(results.map((r) => r.ErrorCode)).toEqual([0, 300, 0]);
    expect(results[1]!.Message).toMatch(/TextBody or HtmlBody/);
    const stored = await storedWith(marker);
    expect(stored.map((m) => m.MessageID).sort()).toEqual([results[0]!.MessageID, results[2]!.MessageID].sort());
  });

  it('refuses a batch of more than 500 messages with ErrorCode 410', async () => {
    const marker = randomUUID();
    const err = await rejection(client.sendEmailBatch(Array.from({ length: 501 }, () => message(marker))));
    expect(err).toBeInstanceOf(Errors.ApiInputError);
    expect(err).toMatchObject({ code: 410, statusCode: 422 });
    expect(await storedWith(marker)).toHaveLength(0);
  });

  it('validates a send with POSTMARK_API_TEST without storing it', async () => {
    const test = clientFor('POSTMARK_API_TEST');
    const marker = randomUUID();
    const res = await test.sendEmail(message(marker));
    expect(res).toMatchObject({ ErrorCode: 0, MessageID: '00000000-0000-0000-0000-000000000000' });
    expect(await storedWith(marker)).toHaveLength(0);
    const err = await rejection(test.sendEmail(message(marker, { From: 'not-an-address' })));
    expect(err).toBeInstanceOf(Errors.InvalidEmailRequestError);
    // The test token sends nothing, so it reads nothing either.
    expect(await rejection(test.getOutboundMessages({ count: 1, offset: 0 }))).toBeInstanceOf(Errors.InvalidAPIKeyError);
  });
});

describe('templates', () => {
  it('renders a template by alias or id, escaping HTML only in HtmlBody', async () => {
    const alias = `receipt-${randomUUID().slice(0, 8)}`;
    const created = await client.createTemplate({ Name: 'Receipt', Alias: alias, Subject: 'Pago {{order.id}} de {{name}}', HtmlBody: '<p>Hola {{name}}, total {{ order.total }}</p>', TextBody: 'Hola {{name}}' });
    expect(created).toMatchObject({ Name: 'Receipt', Alias: alias, Active: true });
    expect((await client.getTemplate(created.TemplateId)).Alias).toBe(alias);

    const marker = randomUUID();
    const model = { name: 'Ana <b>&</b>', order: { id: 'ord_1', total: 'S/ 10.00' } };
    const res = await client.sendEmailWithTemplate({ From: 'no-reply@smartpay.pe', To: 'ana@example.com', TemplateAlias: alias, TemplateModel: model, Metadata: { marker } });
    expect(res.ErrorCode).toBe(0);
    const [stored] = await storedWith(marker);
    expect(stored).toMatchObject({
      Subject: 'Pago ord_1 de Ana <b>&</b>',
      HtmlBody: '<p>Hola Ana &lt;b&gt;&amp;&lt;/b&gt;, total S/ 10.00</p>',
      TextBody: 'Hola Ana <b>&</b>',
    });

    const results = await client.sendEmailBatchWithTemplates([
      { From: 'no-reply@smartpay.pe', To: 'ana@example.com', TemplateId: created.TemplateId, TemplateModel: model, Metadata: { marker } },
      { From: 'no-reply@smartpay.pe', To: 'ana@example.com', TemplateAlias: 'no-such-template', TemplateModel: model, Metadata: { marker } },
    ]);
    expect(results.map((r) => r.ErrorCode)).toEqual([0, 1101]);
    expect(await storedWith(marker)).toHaveLength(2);
  });

  it('answers an unknown template with 422 and ErrorCode 1101', async () => {
    const err = await rejection(client.sendEmailWithTemplate({ From: 'no-reply@smartpay.pe', To: 'ana@example.com', TemplateId: 1, TemplateModel: {} }));
    expect(err).toBeInstanceOf(Errors.ApiInputError);
    expect(err).toMatchObject({ code: 1101, statusCode: 422 });
    expect(await rejection(client.getTemplate('missing-alias'))).toMatchObject({ code: 1101 });
  });
});

describe('request checks', () => {
  it('refuses a wrong or missing token with 401 and ErrorCode 10', async () => {
    const err = await rejection(clientFor('pm-wrong-token').sendEmail(message('x')));
    expect(err).toBeInstanceOf(Errors.InvalidAPIKeyError);
    expect(err).toMatchObject({ code: 10, statusCode: 401 });
    const raw = await fetch(`${pm.base_url}/email`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(raw.status).toBe(401);
    expect(((await raw.json()) as { ErrorCode: number }).ErrorCode).toBe(10);
    // Header name and value are case-insensitive at Postmark.
    const upper = await fetch(`${pm.base_url}/messages/outbound?count=1&offset=0`, { headers: { 'x-POSTMARK-server-token': pm.server_token.toUpperCase() } });
    expect(upper.status).toBe(200);
  });

  it.each([
    ['a missing From', { From: undefined }, /'From'/],
    ['an unquoted comma in a From name', { From: 'Doe, Jane <jane@example.com>' }, /quote it/],
    ['unquoted punctuation in a From name', { From: 'Jane (billing) <jane@example.com>' }, /must be quoted/],
    ['a From without a domain', { From: 'jane@' }, /domain/],
    ['a missing To', { To: undefined }, /recipients/],
    ['no body', { HtmlBody: undefined, TextBody: undefined }, /TextBody or HtmlBody/],
    ['51 recipients', { To: Array.from({ length: 40 }, (_, i) => `to${i}@example.com`).join(', '), Bcc: Array.from({ length: 11 }, (_, i) => `bcc${i}@example.com`).join(',') }, /50 recipients/],
    ['non-string metadata', { Metadata: { marker: 'm', amount: 10 as unknown as string } }, /Metadata/],
    ['a bad attachment type', { Attachments: [{ Name: 'a.pdf', Content: 'JVBERi0=', ContentType: 'pdf', ContentID: null }] }, /ContentType/],
    ['bad base64', { Attachments: [{ Name: 'a.pdf', Content: 'not base64!', ContentType: 'application/pdf', ContentID: null }] }, /base64/],
    ['a ContentID with a space', { Attachments: [{ Name: 'a.png', Content: 'iVBORw0=', ContentType: 'image/png', ContentID: 'cid:a b' }] }, /ContentID/],
  ])('answers %s with InvalidEmailRequestError (300)', async (_case, change, text) => {
    const marker = randomUUID();
    const err = await rejection(client.sendEmail(message(marker, change)));
    expect(err).toBeInstanceOf(Errors.InvalidEmailRequestError);
    expect(err).toMatchObject({ code: 300, statusCode: 422 });
    expect(err.message).toMatch(text);
    expect(await storedWith(marker)).toHaveLength(0);
  });

  it('takes 50 recipients and a PDF, refuses an executable attachment with 411', async () => {
    const marker = randomUUID();
    const to = Array.from({ length: 50 }, (_, i) => `r${i}@example.com`).join(', ');
    const pdf = { Name: 'comprobante.pdf', Content: Buffer.from('%PDF-1.4 test').toString('base64'), ContentType: 'application/pdf', ContentID: null };
    expect((await client.sendEmail(message(marker, { To: to, Attachments: [pdf] }))).ErrorCode).toBe(0);
    const [stored] = await storedWith(marker);
    expect(stored!.Attachments).toEqual([{ ...pdf, ContentLength: 13 }]);

    const exe = { Name: 'factura.exe', Content: 'TVqQAA==', ContentType: 'application/octet-stream', ContentID: null };
    const err = await rejection(client.sendEmail(message(marker, { Attachments: [exe] })));
    expect(err).toBeInstanceOf(Errors.ApiInputError);
    expect(err).toMatchObject({ code: 411, statusCode: 422 });
    expect(await storedWith(marker)).toHaveLength(1);
  });

  it('answers Postmark codes for non-JSON bodies, unknown senders and oversized messages', async () => {
    const post = (body: string, type = 'application/json') =>
      fetch(`${pm.base_url}/email`, { method: 'POST', headers: { 'Content-Type': type, 'X-Postmark-Server-Token': pm.server_token }, body });
    const wrongType = await post('{}', 'text/plain');
    expect([wrongType.status, ((await wrongType.json()) as { ErrorCode: number }).ErrorCode]).toEqual([422, 409]);
    const broken = await post('{"From":');
    expect([broken.status, ((await broken.json()) as { ErrorCode: number }).ErrorCode]).toEqual([422, 402]);
    expect(broken.headers.get('content-type')).toBe('application/json; charset=utf-8');

    expect(await rejection(client.sendEmail(message('s', { From: 'billing@unknown-sender.test' })))).toMatchObject({ code: 400, statusCode: 422 });
    expect(await rejection(client.sendEmail(message('s', { From: 'billing@unconfirmed-sender.test' })))).toMatchObject({ code: 401, statusCode: 422 });

    const marker = randomUUID();
    const big = { Name: 'big.pdf', Content: Buffer.alloc(8 * 1024 * 1024).toString('base64'), ContentType: 'application/pdf', ContentID: null };
    const tooLarge = await rejection(client.sendEmail(message(marker, { Attachments: [big] })));
    expect(tooLarge.statusCode).toBe(413);
    expect(await storedWith(marker)).toHaveLength(0);
  });
});

describe('inactive recipients', () => {
  it('refuses inactive addresses with InactiveRecipientsError listing them', async () => {
    const err = await rejection(client.sendEmail(message('i', { To: 'ana@example.com, inactive@example.com', Cc: 'Inactive+2@Example.com' })));
    expect(err).toBeInstanceOf(Errors.InactiveRecipientsError);
    expect(err).toMatchObject({ code: 406, statusCode: 422 });
    expect((err as Errors.InactiveRecipientsError).recipients).toEqual(['inactive@example.com', 'inactive+2@example.com']);
  });

  it('suppresses and reactivates addresses through the control endpoints', async () => {
    const email = `blocked-${randomUUID().slice(0, 8)}@example.com`;
    const json = { 'Content-Type': 'application/json' };
    expect((await controlJson('/postmark/_inactive', { method: 'POST', headers: json, body: JSON.stringify({ email }) })).body).toMatchObject({ email, reason: 'ManualSuppression' });
    expect((await controlJson('/postmark/_inactive')).body.data.map((e: { email: string }) => e.email)).toContain(email);
    const err = await rejection(client.sendEmail(message('b', { To: email })));
    expect((err as Errors.InactiveRecipientsError).recipients).toEqual([email]);
    expect((await controlJson('/postmark/_inactive', { method: 'DELETE', headers: json, body: JSON.stringify({ email }) })).body).toEqual({ email, reactivated: true });
    expect((await client.sendEmail(message('b', { To: email }))).ErrorCode).toBe(0);
    // Inactive by name, until reactivated.
    expect((await controlJson(`/postmark/_inactive?email=${encodeURIComponent('inactive+3@example.com')}`, { method: 'DELETE' })).body.reactivated).toBe(true);
    expect((await client.sendEmail(message('b', { To: 'inactive+3@example.com' }))).ErrorCode).toBe(0);
    expect((await controlJson('/postmark/_inactive', { method: 'POST', headers: json, body: JSON.stringify({ email: 'nope' }) })).status).toBe(400);
  });
});

describe('faults', () => {
  it('answers http_500 without storing anything', async () => {
    const marker = randomUUID();
    expect((await controlJson('/postmark/_faults', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ mode: 'http_500', count: 1 }) })).body).toEqual({ mode: 'http_500', latency_ms: null, count: 1 });
    const err = await rejection(client.sendEmail(message(marker)));
    expect(err).toBeInstanceOf(Errors.InternalServerError);
    expect(err.statusCode).toBe(500);
    expect(await storedWith(marker)).toHaveLength(0);
    expect((await client.sendEmail(message(marker))).ErrorCode).toBe(0);
    expect(await storedWith(marker)).toHaveLength(1);
  });

  it('refuses connections while down, and comes back on the same port', async () => {
    const marker = randomUUID();
    const port = sandbox.postmark.server.port;
    await controlJson('/postmark/_faults', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ mode: 'down' }) });
    expect((await controlJson('/postmark/_faults')).body).toMatchObject({ mode: 'down' });
    const err = await rejection(client.sendEmail(message(marker)));
    expect(err.statusCode).toBe(0);
    expect(err.message).toMatch(/fetch failed/);
    // Control endpoints are not the simulator: they still answer.
    expect((await controlJson('/postmark/_messages')).status).toBe(200);
    await controlJson('/postmark/_faults', { method: 'DELETE' });
    expect(sandbox.postmark.server.port).toBe(port);
    expect(await storedWith(marker)).toHaveLength(0);
    expect((await client.sendEmail(message(marker))).ErrorCode).toBe(0);
  });
});

describe('outbound messages search', () => {
  it('finds exactly the message with a metadata_<key> filter, newest first, paged', async () => {
    const order = `ord_${randomUUID()}`;
    const mine = await client.sendEmail(message('search', { Metadata: { order_id: order }, Tag: 'search-test' }));
    await client.sendEmail(message('search', { Metadata: { order_id: `${order}-other` }, Tag: 'search-test' }));
    const found = await client.getOutboundMessages({ count: 50, offset: 0, metadata_order_id: order });
    expect(found.TotalCount).toBe(1);
    expect(found.Messages.map((m) => m.MessageID)).toEqual([mine.MessageID]);
    expect(found.Messages[0]).toMatchObject({ From: 'SmartPay <no-reply@smartpay.pe>', To: [{ Email: 'ana@example.com', Name: '' }], Metadata: { order_id: order }, Status: 'Sent', MessageStream: 'outbound', Sandboxed: false, Attachments: [] });

    const tagged = await client.getOutboundMessages({ count: 1, offset: 0, tag: 'search-test' });
    expect(Number(tagged.TotalCount)).toBeGreaterThanOrEqual(2);
    expect(tagged.Messages).toHaveLength(1);
    expect(tagged.Messages[0]!.Metadata.order_id).toBe(`${order}-other`);
    const badCount = await fetch(`${pm.base_url}/messages/outbound?count=501&offset=0`, { headers: { 'X-Postmark-Server-Token': pm.server_token } });
    expect(badCount.status).toBe(422);
  });
});

describe('webhooks', () => {
  it('sends Bounce, SpamComplaint and Delivery with Basic auth, and a hard bounce turns the address inactive', async () => {
    const marker = randomUUID();
    const suffix = randomUUID().slice(0, 8);
    const hard = `hardbounce-${suffix}@example.com`;
    const spam = `spam-${suffix}@example.com`;
    const sent: Record<string, string> = {};
    for (const to of [hard, spam, 'ana@example.com']) sent[to] = (await client.sendEmail(message(marker, { To: to, Tag: 'hooks' }))).MessageID;
    await sandbox.postmark.idle();

    const forMessage = (id: string | undefined) => hooks.filter((h) => h.body.MessageID === id);
    const expectedAuth = `Basic ${Buffer.from(`${HOOK_USER}:${HOOK_PASSWORD}`).toString('base64')}`;

    const [bounce] = forMessage(sent[hard]);
    expect(bounce?.headers.authorization).toBe(expectedAuth);
    expect(bounce?.body).toMatchObject({ RecordType: 'Bounce', Type: 'HardBounce', TypeCode: 1, Inactive: true, CanActivate: true, Email: hard, MessageID: sent[hard], Metadata: { marker }, Tag: 'hooks', MessageStream: 'outbound', ServerID: sandbox.postmark.serverId });
    expect(forMessage(sent[hard])).toHaveLength(1);

    const spamHooks = forMessage(sent[spam]).map((h) => h.body);
    expect(spamHooks.map((b) => b.RecordType)).toEqual(['Delivery', 'SpamComplaint']);
    expect(spamHooks[1]).toMatchObject({ Type: 'SpamComplaint', TypeCode: 512, Inactive: true, CanActivate: false, Email: spam, Metadata: { marker } });

    const [delivery] = forMessage(sent['ana@example.com']);
    expect(delivery?.headers.authorization).toBe(expectedAuth);
    expect(delivery?.body).toMatchObject({ RecordType: 'Delivery', Recipient: 'ana@example.com', MessageID: sent['ana@example.com'], Metadata: { marker }, Details: 'smtp;250 2.0.0 OK' });
    expect(Math.abs(Date.parse(delivery?.body.DeliveredAt) - Date.now())).toBeLessThan(5_000);

    for (const address of [hard, spam]) {
      const err = await rejection(client.sendEmail(message(marker, { To: address })));
      expect((err as Errors.InactiveRecipientsError).recipients).toEqual([address]);
    }
    const inactive = (await controlJson('/postmark/_inactive')).body.data as { email: string; reason: string }[];
    expect(inactive).toEqual(expect.arrayContaining([expect.objectContaining({ email: hard, reason: 'HardBounce' }), expect.objectContaining({ email: spam, reason: 'SpamComplaint' })]));

    const deliveries = (await controlJson('/postmark/_webhooks')).body;
    expect(deliveries.target).toMatch(/\/webhooks\/postmark$/);
    expect(deliveries.data.filter((d: { event: string; delivered: boolean }) => d.event === 'Bounce' && d.delivered).length).toBeGreaterThanOrEqual(1);
    const details = await client.getOutboundMessageDetails(sent[hard]!);
    expect(details.MessageEvents.map((e) => e.Type)).toEqual(['Bounced']);
  });

  it('keeps a soft-bounced address active', async () => {
    const to = `softbounce-${randomUUID().slice(0, 8)}@example.com`;
    const { MessageID } = await client.sendEmail(message('soft', { To: to }));
    await sandbox.postmark.idle();
    expect(hooks.find((h) => h.body.MessageID === MessageID)?.body).toMatchObject({ RecordType: 'Bounce', Type: 'SoftBounce', TypeCode: 4096, Inactive: false });
    expect((await client.sendEmail(message('soft', { To: to }))).ErrorCode).toBe(0);
  });

  it('moves the webhook target through the control endpoint', async () => {
    const put = (body: unknown) => controlJson('/postmark/_webhook', { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const target = sandbox.postmark.webhookTarget!;
    expect((await put({ url: 'ftp://x' })).status).toBe(400);
    expect((await put({ url: null })).body).toEqual({ url: null });
    const before = hooks.length;
    await client.sendEmail(message('quiet'));
    await sandbox.postmark.idle();
    expect(hooks.length).toBe(before);
    expect((await put(target)).body).toEqual({ url: target.url });
  });
});
