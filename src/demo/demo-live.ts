import { randomUUID } from 'node:crypto';
import { rucCheckDigit } from '../customers/peru-documents';

/**
 * The live half of the demo: customers, orders and payments made through SmartPay's own public API and the
 * local sandboxes — tokenized as a client app would, charged, declined, refunded, credits bought and spent —
 * so the dashboard's order pages show real gateway calls, events, e-mails and invoices.
 */
interface SandboxDescription {
  culqi: { secure_url: string; public_key: string };
  mercadopago: { base_url: string; public_key: string };
}

type Json = Record<string, unknown>;

export interface LiveDemo {
  customers: string[];
  paidOrders: string[];
  declinedOrders: string[];
  creditCustomer: string;
}

const VISA = '4111111111111111';
const MASTERCARD = '5111111111111118';
const INSUFFICIENT_FUNDS = '4000040000000008';
const STOLEN = '4000020000000000';
const CARDS = { visa: VISA, mastercard: MASTERCARD, declined: INSUFFICIENT_FUNDS, stolen: STOLEN } as const;

const PEOPLE = [
  { name: 'Ana Quispe Mamani', email: 'ana.quispe@demo.pe', dni: '45678912' },
  { name: 'Luis Huamán Torres', email: 'luis.huaman@demo.pe', dni: '41234567' },
  { name: 'Rosa Flores Condori', email: 'rosa.flores@demo.pe', dni: '43215678', locale: 'en' },
  { name: 'Carlos Mendoza Ríos', email: 'carlos.mendoza@demo.pe', dni: '40011223' },
  { name: 'María Ccori Apaza', email: 'maria.ccori@demo.pe', dni: '46677889' },
];

export async function runLiveDemo(baseUrl: string, apiKey: string, say: (line: string) => void): Promise<LiveDemo> {
  const api = async (method: string, path: string, body?: Json): Promise<{ status: number; body: Json }> => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json', ...(method === 'POST' ? { 'Idempotency-Key': randomUUID() } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as Json };
  };
  const must = async (method: string, path: string, body?: Json): Promise<Json> => {
    const res = await api(method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const sandbox = (await must('GET', '/v1/sandbox')) as unknown as SandboxDescription;
  const culqiToken = async (card: string, email: string): Promise<string> => {
    const res = await fetch(`${sandbox.culqi.secure_url}/tokens`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${sandbox.culqi.public_key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ card_number: card, cvv: '123', expiration_month: '12', expiration_year: '2030', email }),
    });
    return ((await res.json()) as { id: string }).id;
  };
  const yapeToken = async (amount: number): Promise<string> => {
    const res = await fetch(`${sandbox.culqi.secure_url}/tokens/yape`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${sandbox.culqi.public_key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ number_phone: '900000001', otp: '123456', amount }),
    });
    return ((await res.json()) as { id: string }).id;
  };
  const mercadoPagoToken = async (holder: string): Promise<string> => {
    const res = await fetch(`${sandbox.mercadopago.base_url}/v1/card_tokens?public_key=${encodeURIComponent(sandbox.mercadopago.public_key)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        card_number: '4009175332806176',
        expiration_month: 11,
        expiration_year: 2030,
        security_code: '123',
        cardholder: { name: holder, identification: { type: 'DNI', number: '12345678' } },
      }),
    });
    return ((await res.json()) as { id: string }).id;
  };
  /** Charges an order; a token that happens to look like a card number is refused (card-data guard): draw another. */
  const pay = async (orderId: string, gateway: 'culqi' | 'mercadopago', source: () => Promise<Json>): Promise<Json> => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const res = await api('POST', `/v1/orders/${orderId}/charges`, { gateway, source: await source() });
      if (!(res.status === 400 && res.body.code === 'card_data_not_allowed')) return res.body;
    }
    throw new Error(`could not charge ${orderId}`);
  };

  const customers: string[] = [];
  for (const p of PEOPLE) {
    const created = await must('POST', '/v1/customers', {
      email: p.email,
      name: p.name,
      document: { type: 'DNI', number: p.dni },
      ...(p.locale ? { metadata: { locale: p.locale } } : {}),
    });
    customers.push(created.id as string);
  }
  const ruc = `2060123456${rucCheckDigit('2060123456')}`;
  const company = await must('POST', '/v1/customers', {
    email: 'compras@andina.demo.pe',
    name: 'Comercial Andina S.A.C.',
    document: { type: 'RUC', number: ruc },
    billing: { invoice_type: 'factura', business_name: 'COMERCIAL ANDINA S.A.C.', address: 'Av. Arequipa 1234, Lima' },
  });
  customers.push(company.id as string);
  say(`  ${customers.length} customers`);

  const paidOrders: string[] = [];
  const declinedOrders: string[] = [];
  const plans: { customer: number; amount: number; description: string; how: 'visa' | 'mastercard' | 'mp' | 'yape' | 'declined' | 'stolen' | 'mp_declined' }[] = [
    { customer: 0, amount: 11_800, description: 'Plan Profesional — diciembre', how: 'visa' },
    { customer: 1, amount: 4_990, description: 'Suscripción mensual', how: 'mp' },
    { customer: 2, amount: 25_000, description: 'Consultoría (2 h)', how: 'mastercard' },
    { customer: 3, amount: 3_500, description: 'Entrada — taller', how: 'yape' },
    { customer: 4, amount: 19_900, description: 'Plan anual', how: 'declined' },
    { customer: 5, amount: 59_000, description: 'Licencias x10', how: 'visa' },
    { customer: 1, amount: 7_990, description: 'Recarga', how: 'mp_declined' },
    { customer: 3, amount: 12_000, description: 'Pedido web #1042', how: 'stolen' },
    { customer: 0, amount: 2_500, description: 'Envío express', how: 'mp' },
  ];
  for (const plan of plans) {
    const customerId = customers[plan.customer]!;
    const order = await must('POST', '/v1/orders', {
      amount: plan.amount,
      currency: 'PEN',
      description: plan.description,
      customer_id: customerId,
      items: [{ description: plan.description, quantity: 1, unit_amount: plan.amount }],
    });
    const id = order.id as string;
    const email = PEOPLE[plan.customer]?.email ?? 'compras@andina.demo.pe';
    const charge =
      plan.how === 'mp' || plan.how === 'mp_declined'
        ? await pay(id, 'mercadopago', async () => ({ type: 'card_token', token: await mercadoPagoToken(plan.how === 'mp' ? 'APRO' : 'FUND') }))
        : plan.how === 'yape'
          ? await pay(id, 'culqi', async () => ({ type: 'yape_token', token: await yapeToken(plan.amount) }))
          : await pay(id, 'culqi', async () => ({
              type: 'card_token',
              token: await culqiToken(CARDS[plan.how as keyof typeof CARDS], email),
            }));
    (charge.status === 'succeeded' ? paidOrders : declinedOrders).push(id);
  }
  say(`  ${paidOrders.length} orders paid and ${declinedOrders.length} declined through the sandboxes`);

  if (paidOrders[2]) await must('POST', '/v1/refunds', { order_id: paidOrders[2], amount: 5_000, reason: 'requested_by_customer' });
  if (paidOrders[3]) await must('POST', '/v1/refunds', { order_id: paidOrders[3], reason: 'duplicate' });
  say('  2 refunds (one partial)');

  // Credits: a Professional package (500 + 50 bonus), spent down to a low balance.
  const creditCustomer = customers[0]!;
  const purchase = await must('POST', '/v1/orders', { credit_package: 'professional', currency: 'PEN', customer_id: creditCustomer });
  await pay(purchase.id as string, 'culqi', async () => ({ type: 'card_token', token: await culqiToken(VISA, PEOPLE[0]!.email) }));
  // The credits are granted by a job once the order is paid: wait for them (a few seconds at most).
  for (let waited = 0; waited < 15_000; waited += 250) {
    if (Number((await must('GET', `/v1/customers/${creditCustomer}/credits`)).balance) > 0) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  for (let i = 0; i < 60; i++) {
    const res = await api('POST', `/v1/customers/${creditCustomer}/credits/consume`, { credits: 5 + (i % 7), reference: `demo-job-${i}`, description: 'Documento procesado' });
    if (res.status === 409) break; // the grant job has not run yet, or the credits ran out
  }
  await api('PATCH', `/v1/customers/${creditCustomer}/credits`, { low_balance_threshold: 400 });
  const basic = await must('POST', '/v1/orders', { credit_package: 'basic', currency: 'PEN', customer_id: customers[5]! });
  await pay(basic.id as string, 'mercadopago', async () => ({ type: 'card_token', token: await mercadoPagoToken('APRO') }));
  say('  credits: a Professional and a Basic package bought, 60 consumptions');

  return { customers, paidOrders, declinedOrders, creditCustomer };
}
