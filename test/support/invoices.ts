/**
 * Helpers of the invoice suites: invoices through the API, the SUNAT simulator's control endpoints, and a buyer who
 * asks for facturas.
 */
import { expect } from 'vitest';
import type { Client } from './charge-fixtures';
import type { SandboxInfo } from './sandbox-client';
import { bearer } from './test-app';
import { until } from './wait';

/** An address no other test uses (the sandbox's Postmark store is shared by the whole run). */
export const uniqueEmail = (who: string): string => `${who}.${Date.now()}.${Math.random().toString(36).slice(2, 8)}@example.com`;

export interface InvoiceView {
  id: string;
  type: 'factura' | 'boleta' | 'credit_note';
  type_code: string;
  series: string;
  number: number;
  full_number: string;
  issue_date: string;
  currency: string;
  subtotal: number;
  igv: number;
  total: number;
  customer: { document_type: string; document_number: string | null; name: string };
  lines: { description: string; quantity: number; unit_amount: number; subtotal: number; igv: number; total: number }[];
  order_id: string;
  refund_id: string | null;
  reference_invoice_id: string | null;
  replaces_invoice_id: string | null;
  credit_note_reason: { code: string; description: string } | null;
  status: string;
  /** The daily summary (`RC-…`) that reported it, issuers with `boletas: daily_summary` only. */
  summary: string | null;
  sunat: { code: string | null; description: string | null; observations: { code: string; description: string }[] } | null;
  hash: string;
}

export async function listInvoices(c: Client, query: Record<string, string> = {}): Promise<InvoiceView[]> {
  const res = await c.t.http.get('/v1/invoices').query({ limit: '100', ...query }).set(bearer(c.key));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data as InvoiceView[];
}

/** The order's documents once `done` holds for them (oldest first). */
export async function waitForInvoices(c: Client, orderId: string, done: (list: InvoiceView[]) => boolean, what = `invoices of ${orderId}`): Promise<InvoiceView[]> {
  const list = await until(() => listInvoices(c, { order_id: orderId }), done, 20_000, what);
  return [...list].reverse();
}

/** Waits for the order's sale document to reach a final SUNAT status. */
export async function waitForAnsweredSale(c: Client, orderId: string): Promise<InvoiceView> {
  const list = await waitForInvoices(c, orderId, (l) => l.some((i) => i.type !== 'credit_note' && i.status !== 'issued' && i.status !== 'rejected'), `a sale document of ${orderId} answered by SUNAT`);
  return list.find((i) => i.type !== 'credit_note' && i.status !== 'issued' && i.status !== 'rejected')!;
}

/** A customer who asks for facturas, with a valid RUC. */
export async function createFacturaCustomer(c: Client, ruc = '20100070970', businessName = 'SUPERMERCADOS PERUANOS S.A.'): Promise<string> {
  const res = await c.t.http
    .post('/v1/customers')
    .set(bearer(c.key))
    .send({ email: uniqueEmail('compras'), name: 'Compras', document: { type: 'RUC', number: ruc }, billing: { invoice_type: 'factura', business_name: businessName } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

/** POST {control_url}/sunat/_outcomes: the simulator's next `count` answers carry `code`. */
export async function forceSunatOutcome(info: SandboxInfo, code: string, count = 1): Promise<void> {
  const res = await fetch(`${info.control_url}/sunat/_outcomes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, count }) });
  if (!res.ok) throw new Error(`sunat outcome → ${res.status} ${await res.text()}`);
}

export async function clearSunatOutcomes(info: SandboxInfo): Promise<void> {
  await fetch(`${info.control_url}/sunat/_outcomes`, { method: 'DELETE' });
}

/** What the SUNAT simulator received, as listed by its control endpoint. */
export async function sunatDocuments(info: SandboxInfo): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${info.control_url}/sunat/_documents`);
  return ((await res.json()) as { data: Record<string, unknown>[] }).data;
}

/** The names a document's PDF and XML travel under (SUNAT's file name; the sandbox's demo issuer RUC). */
export function documentFiles(i: Pick<InvoiceView, 'type_code' | 'series' | 'number'>, ruc = '20000000001'): string[] {
  return [`${ruc}-${i.type_code}-${i.series}-${i.number}.pdf`, `${ruc}-${i.type_code}-${i.series}-${i.number}.xml`];
}
