/**
 * Test-side client of the sandbox: tokenizes test cards exactly as a front end would against the
 * real gateways (Culqi secure /tokens with the public key; Mercado Pago /v1/card_tokens), using the
 * GET /v1/sandbox description.
 */
import { bearer, type TestApp } from './test-app';

export interface SandboxInfo {
  culqi: { base_url: string; secure_url: string; public_key: string; secret_key: string };
  mercadopago: { base_url: string; public_key: string; access_token: string; webhook_secret: string };
  postmark: { base_url: string; server_token: string };
  push: { base_url: string; ca: string };
  control_url: string;
}

export async function sandboxInfo(t: TestApp): Promise<SandboxInfo> {
  const res = await t.http.get('/v1/sandbox').set(bearer(t.apiKey));
  if (res.status !== 200) throw new Error(`GET /v1/sandbox → ${res.status}`);
  return res.body as SandboxInfo;
}

async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export async function culqiCardToken(info: SandboxInfo, card: string, opts: { email?: string; cvv?: string; month?: string; year?: string } = {}): Promise<string> {
  const res = await postJson(
    `${info.culqi.secure_url}/tokens`,
    { card_number: card, cvv: opts.cvv ?? '123', expiration_month: opts.month ?? '12', expiration_year: opts.year ?? '2030', email: opts.email ?? 'buyer@example.com' },
    { Authorization: `Bearer ${info.culqi.public_key}` },
  );
  if (res.status !== 201) throw new Error(`culqi token → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

export async function culqiYapeToken(info: SandboxInfo, amount: number, phone = '900000001'): Promise<string> {
  const res = await postJson(`${info.culqi.secure_url}/tokens/yape`, { number_phone: phone, otp: '123456', amount }, { Authorization: `Bearer ${info.culqi.public_key}` });
  if (res.status !== 201) throw new Error(`yape token → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

export async function mercadoPagoCardToken(info: SandboxInfo, holder: string, card = '4009175332806176'): Promise<string> {
  const res = await postJson(`${info.mercadopago.base_url}/v1/card_tokens?public_key=${encodeURIComponent(info.mercadopago.public_key)}`, {
    card_number: card,
    expiration_month: 11,
    expiration_year: 2030,
    security_code: '123',
    cardholder: { name: holder, identification: { type: 'DNI', number: '123456789' } },
  });
  if (res.status !== 201 && res.status !== 200) throw new Error(`mp token → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

/** POST {control_url}/{simulator}/_faults */
export async function injectFault(info: SandboxInfo, gateway: 'culqi' | 'mercadopago' | 'postmark' | 'sunat', fault: Record<string, unknown>): Promise<void> {
  const res = await postJson(`${info.control_url}/${gateway}/_faults`, fault);
  if (res.status !== 200) throw new Error(`fault → ${res.status} ${JSON.stringify(res.body)}`);
}

export async function clearFault(info: SandboxInfo, gateway: 'culqi' | 'mercadopago' | 'postmark' | 'sunat'): Promise<void> {
  await fetch(`${info.control_url}/${gateway}/_faults`, { method: 'DELETE' });
}

/** Charges the Culqi simulator really holds for one of our charge ids (metadata smartpay_charge_id). */
export async function culqiChargesFor(info: SandboxInfo, chargeId?: string): Promise<Record<string, unknown>[]> {
  const q = chargeId ? `?metadata.smartpay_charge_id=${chargeId}` : '';
  const res = await fetch(`${info.control_url}/culqi/_charges${q}`);
  return ((await res.json()) as { data: Record<string, unknown>[] }).data;
}

export async function mercadoPagoPaymentsFor(info: SandboxInfo, externalReference: string): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${info.mercadopago.base_url}/v1/payments/search?external_reference=${externalReference}`, {
    headers: { Authorization: `Bearer ${info.mercadopago.access_token}` },
  });
  return ((await res.json()) as { results: Record<string, unknown>[] }).results;
}

/** A message the Postmark simulator accepted (GET {control_url}/postmark/_messages). */
export interface PostmarkMessage {
  MessageID: string;
  From: string;
  To: string;
  Subject: string;
  HtmlBody: string | null;
  TextBody: string | null;
  Attachments: { Name: string; ContentType: string; Content: string }[];
  Metadata: Record<string, string>;
  Tag: string | null;
  received_at: string;
}

/** Messages Postmark accepted, newest first; `to` and `metadata.<key>` filter. */
export async function postmarkMessages(info: SandboxInfo, filter: { to?: string; metadata?: Record<string, string> } = {}): Promise<PostmarkMessage[]> {
  const query = new URLSearchParams();
  if (filter.to) query.set('to', filter.to);
  for (const [k, v] of Object.entries(filter.metadata ?? {})) query.set(`metadata.${k}`, v);
  const res = await fetch(`${info.control_url}/postmark/_messages?${query.toString()}`);
  return ((await res.json()) as { data: PostmarkMessage[] }).data;
}

/** A browser subscription at the sandbox push service (what PushManager.subscribe() gives a page). */
export async function pushSubscription(info: SandboxInfo, applicationServerKey?: string): Promise<{ endpoint: string; keys: { p256dh: string; auth: string } }> {
  const res = await fetch(`${info.control_url}/push/_subscriptions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(applicationServerKey ? { application_server_key: applicationServerKey } : {}),
  });
  if (res.status !== 201) throw new Error(`push subscription → ${res.status}`);
  return (await res.json()) as { endpoint: string; keys: { p256dh: string; auth: string } };
}

/** What the sandbox push service received (decrypted), newest first. */
export async function pushMessages(info: SandboxInfo, endpoint?: string): Promise<{ endpoint: string; payload: Record<string, unknown>; vapid: Record<string, unknown>; headers: Record<string, unknown>; status: number }[]> {
  const res = await fetch(`${info.control_url}/push/_messages${endpoint ? `?endpoint=${encodeURIComponent(endpoint)}` : ''}`);
  return ((await res.json()) as { data: [] }).data;
}
