import express from 'express';
import { zipSync } from 'fflate';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { planSale, type DocumentContext } from '../../src/invoices/document-builder';
import { documentFileName, type InvoiceDocument } from '../../src/invoices/invoice-document';
import type { SubmissionAnswer, SubmissionResult } from '../../src/invoices/submission/submission-port';
import { SunatSoapSubmitter } from '../../src/invoices/submission/sunat-soap-submitter';
import { type DailySummaryDocument } from '../../src/invoices/summary/daily-summary-document';
import { buildSummaryDocuments } from '../../src/invoices/summary/summary-builder';
import { buildUbl } from '../../src/invoices/ubl/ubl-builder';
import { zipDocument, unzipSingle } from '../../src/invoices/ubl/document-zip';
import { validateUbl } from '../../src/invoices/ubl/ubl-schema';
import { signUbl } from '../../src/invoices/ubl/ubl-signer';
import { generateDemoCredentials, type SigningCredentials } from '../../src/invoices/ubl/signing-credentials';
import { createSandboxControlRouter } from '../../src/sandbox/control-router';
import { Sandbox } from '../../src/sandbox/sandbox';
import { SunatSimulator } from '../../src/sandbox/sunat/sunat-simulator';
import { until } from '../support/wait';

/**
 * The SUNAT billService simulator driven by SmartPay's own SOAP adapter over real HTTP: every outcome SmartPay must
 * handle (accepted, observations, rejections, exceptions), the resend rules, faults, and the summary ticket flow.
 */

const RUC = '20000000001';
const SAMPLE_RUC = '12345678912';
const SAMPLE = readFileSync('/work/shared/reference/ubl-2.1/samples/openubl-12345678912-01-F001-1.xml');

let sandbox: Sandbox;
let control: string;
let controlServer: Server;
let billService: string;
let credentials: SigningCredentials;
let nextNumber = 1;

const ctx = (): DocumentContext => ({
  issuer: {
    ruc: RUC,
    legalName: 'SMARTPAY PRUEBAS S.A.C.',
    address: { line: 'AV. JAVIER PRADO ESTE 123', district: 'SAN ISIDRO', province: 'LIMA', department: 'LIMA', ubigeo: '150131', countryCode: 'PE', establishmentCode: '0000' },
  },
  series: { factura: 'F001', boleta: 'B001', credit_note_factura: 'FC01', credit_note_boleta: 'BC01' },
  unitCode: 'ZZ',
  now: new Date(),
});

/** A factura under a fresh number; `customer` and `description` carry test data. */
function factura(opts: { customer?: string; description?: string; quantity?: number; unitAmount?: number } = {}): InvoiceDocument {
  const quantity = opts.quantity ?? 2;
  const unitAmount = opts.unitAmount ?? 5900;
  const planned = planSale(
    {
      currency: 'PEN',
      amount: quantity * unitAmount,
      items: [{ description: opts.description ?? 'Plan mensual', quantity, unit_amount: unitAmount }],
      description: null,
      reference: null,
      creditPackage: null,
      buyer: { name: 'Compras', documentType: 'RUC', documentNumber: '20100070970', invoiceType: 'factura', businessName: opts.customer ?? 'SUPERMERCADOS PERUANOS S.A.', address: null },
    },
    ctx(),
  );
  return { ...planned.document, number: nextNumber++ };
}

const signed = (xml: string): string => signUbl(xml, credentials).xml;

/** The zip name and zip of a document's XML, as SmartPay sends them. */
function packaged(doc: InvoiceDocument, xml: string): { fileName: string; zip: Buffer } {
  const base = documentFileName(doc.issuer.ruc, doc.typeCode, doc.series, doc.number);
  return { fileName: `${base}.zip`, zip: zipDocument(base, xml) };
}

function submitter(over: { username?: string; password?: string; timeoutMs?: number } = {}): SunatSoapSubmitter {
  return new SunatSoapSubmitter({ baseUrl: billService, username: over.username ?? `${RUC}MODDATOS`, password: over.password ?? 'moddatos', timeoutMs: over.timeoutMs ?? 10_000 });
}

async function send(doc: InvoiceDocument, xml = signed(buildUbl(doc)), client = submitter()): Promise<SubmissionResult> {
  const { fileName, zip } = packaged(doc, xml);
  return client.sendBill(fileName, zip);
}

function answer(result: SubmissionResult): SubmissionAnswer {
  expect(result.outcome, JSON.stringify(result)).not.toBe('exception');
  return result as SubmissionAnswer;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- control JSON is read untyped
async function controlJson(path: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const res = await fetch(`${control}${path}`, init);
  return { status: res.status, body: await res.json() };
}

const post = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

async function documentsNamed(fileName: string): Promise<Record<string, unknown>[]> {
  return (await controlJson(`/sunat/_documents?file_name=${encodeURIComponent(fileName)}`)).body.data as Record<string, unknown>[];
}

beforeAll(async () => {
  sandbox = await new Sandbox().start();
  const app = express();
  app.use('/sandbox', createSandboxControlRouter(sandbox));
  controlServer = createServer(app);
  await new Promise<void>((resolve) => controlServer.listen(0, '127.0.0.1', resolve));
  control = `http://127.0.0.1:${(controlServer.address() as AddressInfo).port}/sandbox`;
  billService = sandbox.describe().sunat!.bill_service_url!;
  credentials = generateDemoCredentials({ ruc: RUC, legalName: 'SMARTPAY PRUEBAS S.A.C.', validDays: 30 });
});

afterAll(async () => {
  await sandbox.close();
  await new Promise<void>((resolve) => controlServer.close(() => resolve()));
});

beforeEach(async () => {
  await fetch(`${control}/sunat/_faults`, { method: 'DELETE' });
  await fetch(`${control}/sunat/_outcomes`, { method: 'DELETE' });
});

describe('description', () => {
  it('gives the origin, the billService URL and the sandbox credentials', () => {
    const sunat = sandbox.describe().sunat!;
    expect(sunat.base_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sunat.bill_service_url).toBe(`${sunat.base_url}/ol-ti-itcpfegem-beta/billService`);
    expect(sunat).toMatchObject({ username: '20000000001MODDATOS', password: 'moddatos' });
  });
});

describe('sendBill: accepted', () => {
  it('accepts a valid signed factura with code 0 and a schema-valid ApplicationResponse CDR', async () => {
    const doc = factura();
    const result = answer(await send(doc));
    expect(result).toMatchObject({ outcome: 'accepted', code: '0', description: `La Factura numero F001-${doc.number}, ha sido aceptada`, observations: [] });
    const base = documentFileName(RUC, '01', 'F001', doc.number);
    expect(unzipSingle(result.cdrZip).map((e) => e.name)).toEqual([`R-${base}.xml`]);
    expect(result.cdrXml).toContain(`<cbc:ReferenceID>F001-${doc.number}</cbc:ReferenceID>`);
    expect(result.cdrXml).toContain('<cbc:ID>20131312955</cbc:ID>');
    expect(await validateUbl(result.cdrXml, 'ApplicationResponse')).toEqual({ valid: true, errors: [] });
    const [listed] = await documentsNamed(`${base}.zip`);
    expect(listed).toMatchObject({ operation: 'sendBill', ruc: RUC, type: '01', series: 'F001', number: doc.number, outcome: 'accepted', code: '0', observations: [], resend: false });
    expect(Date.parse(String(listed!.received_at))).not.toBeNaN();
  });

  it('accepts the signed reference sample (ISO-8859-1, another RUC) through the schema and signature checks', async () => {
    await fetch(`${control}/sunat/_documents`, { method: 'DELETE' });
    const result = answer(await submitter({ username: `${SAMPLE_RUC}MODDATOS` }).sendBill(`${SAMPLE_RUC}-01-F001-1.zip`, zipDocument(`${SAMPLE_RUC}-01-F001-1`, SAMPLE.toString('latin1'))));
    expect(result).toMatchObject({ outcome: 'accepted', code: '0' });
  });
});

describe('sendBill: observations', () => {
  it('SUNAT-OBSERVE test data: accepted with observation 4287, as a CDR note', async () => {
    const result = answer(await send(factura({ customer: 'EMPRESA SUNAT-OBSERVE S.A.C.' })));
    expect(result.outcome).toBe('accepted_with_observations');
    expect(result.code).toBe('0');
    expect(result.observations.map((o) => o.code)).toEqual(['4287']);
    expect(result.cdrXml).toMatch(/<cbc:Note>4287 - /);
  });

  it('a queued observation code, for the next document only', async () => {
    expect((await controlJson('/sunat/_outcomes', post({ code: '4332', count: 1, description: 'Observación de prueba' }))).body).toEqual({ queued: [{ code: '4332', description: 'Observación de prueba' }] });
    const first = answer(await send(factura()));
    expect(first).toMatchObject({ outcome: 'accepted_with_observations', observations: [{ code: '4332', description: 'Observación de prueba' }] });
    expect(answer(await send(factura())).outcome).toBe('accepted');
  });

  it('recomputes the totals: 4288 and 4309 when a line and the header disagree', async () => {
    const doc = factura({ quantity: 2, unitAmount: 5900 });
    // The header value a céntimo off (PayableAmount follows it, so the document stays payable-consistent) and the
    // line's unit value off (2 × 50.01 ≠ 100.00).
    const xml = buildUbl(doc)
      .replace(/(<cac:LegalMonetaryTotal>[\s\S]*?<cbc:LineExtensionAmount[^>]*>)100\.00</, '$1100.01<')
      .replace(/(<cbc:TaxInclusiveAmount[^>]*>)118\.00</, '$1118.01<')
      .replace(/(<cbc:PayableAmount[^>]*>)118\.00</, '$1118.01<')
      .replace(/(<cac:Price>\s*<cbc:PriceAmount[^>]*>)[0-9.]+</, '$150.01<');
    const result = answer(await send(doc, signed(xml)));
    expect(result.outcome).toBe('accepted_with_observations');
    expect(result.observations.map((o) => o.code).sort()).toEqual(['4288', '4309']);
  });

  it('4310 when the header IGV is not the sum of the lines’ IGV', async () => {
    const doc = factura({ quantity: 1, unitAmount: 11800 });
    const xml = buildUbl(doc).replace(/(<cac:TaxSubtotal>\s*<cbc:TaxableAmount[^>]*>100\.00<\/cbc:TaxableAmount>\s*<cbc:TaxAmount[^>]*>)18\.00</, '$118.01<');
    const result = answer(await send(doc, signed(xml)));
    expect(result.observations.map((o) => o.code)).toContain('4310');
  });
});

describe('sendBill: rejections', () => {
  it('SUNAT-REJECT test data in a line: rejected 2800; the number is taken', async () => {
    const doc = factura({ description: 'Servicio SUNAT-REJECT' });
    const result = answer(await send(doc));
    expect(result).toMatchObject({ outcome: 'rejected', code: '2800', observations: [] });
    expect(result.cdrXml).toContain('<cbc:ResponseCode>2800</cbc:ResponseCode>');
    expect(await validateUbl(result.cdrXml, 'ApplicationResponse')).toMatchObject({ valid: true });
    const again = await send({ ...doc, customer: { ...doc.customer, name: 'OTRA EMPRESA S.A.' } });
    expect(again).toMatchObject({ outcome: 'exception', code: '1033', retryable: false });
  });

  it('a queued rejection code', async () => {
    await controlJson('/sunat/_outcomes', post({ code: '2017' }));
    expect(answer(await send(factura()))).toMatchObject({ outcome: 'rejected', code: '2017' });
  });

  it('PayableAmount that is not value + taxes: rejected 2122', async () => {
    const doc = factura({ quantity: 1, unitAmount: 11800 });
    const xml = buildUbl(doc).replace(/(<cbc:PayableAmount[^>]*>)118\.00</, '$1117.00<');
    expect(answer(await send(doc, signed(xml)))).toMatchObject({ outcome: 'rejected', code: '2122' });
  });

  it('a broken signature: rejected 2334', async () => {
    const doc = factura();
    const tampered = signed(buildUbl(doc)).replace('SUPERMERCADOS PERUANOS S.A.', 'SUPERMERCADOS PERUANOS S.A.C.');
    expect(answer(await send(doc, tampered))).toMatchObject({ outcome: 'rejected', code: '2334' });
  });

  it('an unsigned document: rejected 2334', async () => {
    const doc = factura();
    expect(answer(await send(doc, buildUbl(doc)))).toMatchObject({ outcome: 'rejected', code: '2334' });
  });

  it('an XSD-invalid document: rejected 2401 with libxml2’s message', async () => {
    const doc = factura();
    const invalid = signed(buildUbl(doc).replace(/<cbc:IssueDate>/, '<cbc:Colour>red</cbc:Colour><cbc:IssueDate>'));
    const result = answer(await send(doc, invalid));
    expect(result).toMatchObject({ outcome: 'rejected', code: '2401' });
    expect(result.description).toMatch(/Colour/);
  });
});

describe('sendBill: exceptions (SOAP faults)', () => {
  it('a queued 0100 fault is retryable and records nothing; the resend is accepted', async () => {
    await controlJson('/sunat/_outcomes', post({ code: '0100' }));
    const doc = factura();
    const xml = signed(buildUbl(doc));
    const first = await send(doc, xml);
    expect(first).toMatchObject({ outcome: 'exception', code: '0100', retryable: true });
    expect(answer(await send(doc, xml)).outcome).toBe('accepted');
  });

  it('SUNAT-EXCEPTION test data: fault 0130 on the first send only', async () => {
    const doc = factura({ customer: 'SUNAT-EXCEPTION S.A.' });
    const xml = signed(buildUbl(doc));
    expect(await send(doc, xml)).toMatchObject({ outcome: 'exception', code: '0130', retryable: true });
    expect(answer(await send(doc, xml)).outcome).toBe('accepted');
    const listed = await documentsNamed(packaged(doc, xml).fileName);
    expect(listed.map((d) => [d.outcome, d.code])).toEqual([
      ['accepted', '0'],
      ['exception', '0130'],
    ]);
  });

  it('wrong credentials: 0102, not retryable; a missing security header: 0101', async () => {
    expect(await send(factura(), undefined, submitter({ password: 'wrong' }))).toMatchObject({ outcome: 'exception', code: '0102', retryable: false, description: 'Usuario o contraseña incorrectos' });
    expect(await send(factura(), undefined, submitter({ username: `${RUC}OTROUSER` }))).toMatchObject({ code: '0102' });
    const res = await fetch(billService, {
      method: 'POST',
      headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '"urn:getStatus"' },
      body: '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ser="http://service.sunat.gob.pe"><soapenv:Body><ser:getStatus><ticket>1</ticket></ser:getStatus></soapenv:Body></soapenv:Envelope>',
    });
    expect(res.status).toBe(500);
    expect(await res.text()).toContain('<faultcode>soap-env:Client.0101</faultcode>');
  });

  it('file name problems: 0151 bad pattern, 0154 another RUC, 0152 a summary through sendBill', async () => {
    const doc = factura();
    const { zip } = packaged(doc, signed(buildUbl(doc)));
    const client = submitter();
    expect(await client.sendBill('factura-F001-1.zip', zip)).toMatchObject({ outcome: 'exception', code: '0151', retryable: false });
    expect(await client.sendBill(`20100070970-01-F001-${doc.number}.zip`, zip)).toMatchObject({ code: '0154' });
    expect(await client.sendBill(`${RUC}-RC-20261204-1.zip`, zip)).toMatchObject({ code: '0152' });
  });

  it('zip problems: 0161 wrong entry name, 0158 two entries, 0156 not a zip', async () => {
    const doc = factura();
    const xml = signed(buildUbl(doc));
    const { fileName } = packaged(doc, xml);
    const client = submitter();
    expect(await client.sendBill(fileName, zipDocument(`${RUC}-01-F001-999999`, xml))).toMatchObject({ outcome: 'exception', code: '0161' });
    const base = fileName.replace(/\.zip$/, '');
    const two = Buffer.from(zipSync({ [`${base}.xml`]: Buffer.from(xml), 'extra.xml': Buffer.from(xml) }));
    expect(await client.sendBill(fileName, two)).toMatchObject({ code: '0158' });
    expect(await client.sendBill(fileName, Buffer.from('not a zip'))).toMatchObject({ code: '0156' });
    // None of these took the number.
    expect(answer(await send(doc, xml)).outcome).toBe('accepted');
  });

  it('an XML ID that is not the file name’s: 1049', async () => {
    const doc = factura();
    const { fileName, zip } = packaged(doc, signed(buildUbl({ ...doc, number: doc.number + 100_000 })));
    expect(await submitter().sendBill(fileName, zip)).toMatchObject({ outcome: 'exception', code: '1049' });
  });
});

describe('concurrency and configuration', () => {
  it('documents sent together are schema-checked together; an invalid one among them is singled out', async () => {
    const docs = Array.from({ length: 5 }, () => factura());
    const xmls = docs.map((d, i) => signed(i === 2 ? buildUbl(d).replace(/<cbc:IssueDate>/, '<cbc:Colour>red</cbc:Colour><cbc:IssueDate>') : buildUbl(d)));
    const results = await Promise.all(docs.map((d, i) => send(d, xmls[i])));
    expect(results.map((r) => (r.outcome === 'exception' ? r.code : `${r.outcome}:${r.code}`))).toEqual(['accepted:0', 'accepted:0', 'rejected:2401', 'accepted:0', 'accepted:0']);
  });

  it('a configured user that starts with a RUC accepts that RUC only', async () => {
    const own = new SunatSimulator({ host: '127.0.0.1', port: 0, user: `${RUC}FACTURA`, password: 'clave-123', now: () => Date.now(), validateSchema: false });
    await own.start();
    try {
      expect(own.username).toBe(`${RUC}FACTURA`);
      const client = (username: string) => new SunatSoapSubmitter({ baseUrl: own.billServiceUrl, username, password: 'clave-123', timeoutMs: 5_000 });
      expect(answer(await send(factura(), undefined, client(`${RUC}FACTURA`))).outcome).toBe('accepted');
      expect(await send(factura(), undefined, client('20100070970FACTURA'))).toMatchObject({ outcome: 'exception', code: '0102' });
    } finally {
      await own.close();
    }
  });
});

describe('resends', () => {
  it('an identical resend gets the same CDR; a different document under the number gets 1033', async () => {
    const doc = factura();
    const xml = signed(buildUbl(doc));
    const first = answer(await send(doc, xml));
    const again = answer(await send(doc, xml));
    expect(again.cdrZip.equals(first.cdrZip)).toBe(true);
    const other = signed(buildUbl({ ...doc, customer: { ...doc.customer, name: 'OTRA EMPRESA S.A.' } }));
    expect(await send(doc, other)).toMatchObject({ outcome: 'exception', code: '1033', retryable: false });
    const listed = await documentsNamed(packaged(doc, xml).fileName);
    expect(listed.map((d) => [d.outcome, d.code, d.resend])).toEqual([
      ['exception', '1033', false],
      ['accepted', '0', true],
      ['accepted', '0', false],
    ]);
  });

  it('timeout fault: the adapter reports a retryable timeout, the document was taken, and the resend returns its CDR', async () => {
    const doc = factura();
    const xml = signed(buildUbl(doc));
    await controlJson('/sunat/_faults', post({ mode: 'timeout', latency_ms: 1_500, count: 1 }));
    const started = Date.now();
    expect(await send(doc, xml, submitter({ timeoutMs: 300 }))).toMatchObject({ outcome: 'exception', code: 'timeout', retryable: true });
    expect(Date.now() - started).toBeLessThan(1_400);
    const { fileName } = packaged(doc, xml);
    // Processed although unanswered (the schema check may still be running when the client gives up).
    const listed = await until(() => documentsNamed(fileName), (l) => l.length > 0, 5_000, 'the timed-out document listed');
    expect(listed.map((d) => d.outcome)).toEqual(['accepted']);
    const resend = answer(await send(doc, xml));
    expect(resend).toMatchObject({ outcome: 'accepted', code: '0' });
    expect((await documentsNamed(fileName))[0]).toMatchObject({ resend: true });
  });

  it('down: connection refused, retryable, nothing received', async () => {
    const doc = factura();
    await controlJson('/sunat/_faults', post({ mode: 'down' }));
    expect(await send(doc)).toMatchObject({ outcome: 'exception', code: 'connection_refused', retryable: true });
    await fetch(`${control}/sunat/_faults`, { method: 'DELETE' });
    expect(await documentsNamed(`${documentFileName(RUC, '01', 'F001', doc.number)}.zip`)).toEqual([]);
    expect(answer(await send(doc)).outcome).toBe('accepted');
  });

  it('http_500 (no SOAP fault) and reset are retryable exceptions', async () => {
    await controlJson('/sunat/_faults', post({ mode: 'http_500', count: 1 }));
    expect(await send(factura())).toMatchObject({ outcome: 'exception', code: 'http_500', retryable: true });
    await controlJson('/sunat/_faults', post({ mode: 'reset', count: 1 }));
    expect(await send(factura())).toMatchObject({ outcome: 'exception', code: 'connection_lost', retryable: true });
  });
});

describe('sendSummary and getStatus', () => {
  let rcCounter = 0;
  /** A signed daily summary with one boleta line, under a fresh RC number; `legalName` carries test data. */
  function rc(legalName = 'SMARTPAY PRUEBAS S.A.C.'): { id: string; base: string; xml: string } {
    const id = `RC-20261204-${++rcCounter}`;
    const doc: DailySummaryDocument = {
      issuer: { ...ctx().issuer, legalName },
      id,
      referenceDate: '2026-12-03',
      issueDate: '2026-12-04',
      lines: [{ typeCode: '03', series: 'B001', number: rcCounter, currency: 'PEN', customer: { documentType: '1', documentNumber: '46027896' }, base: 10000, igv: 1800, total: 11800 }],
    };
    return { id, base: `${RUC}-${id}`, xml: signed(buildSummaryDocuments(doc)) };
  }

  async function decided(client: SunatSoapSubmitter, base: string, xml: string): Promise<SubmissionResult> {
    const sent = await client.sendSummary(`${base}.zip`, zipDocument(base, xml));
    expect(sent.outcome, JSON.stringify(sent)).toBe('ticket');
    const ticket = (sent as { ticket: string }).ticket;
    expect(await client.getStatus(ticket)).toEqual({ outcome: 'in_process', ticket });
    return (await client.getStatus(ticket)) as SubmissionResult;
  }

  it('gives a ticket; getStatus answers 98 first, then 0 with the CDR', async () => {
    const client = submitter();
    const { id, base, xml } = rc();
    const done = answer(await decided(client, base, xml));
    expect(done).toMatchObject({ outcome: 'accepted', code: '0', description: `El Resumen diario ${id}, ha sido aceptado` });
    expect(await validateUbl(done.cdrXml, 'ApplicationResponse')).toMatchObject({ valid: true });
    const [listed] = await documentsNamed(`${base}.zip`);
    expect(listed).toMatchObject({ operation: 'sendSummary', type: 'RC', outcome: 'accepted', resend: false });
  });

  it('an identical resend gets the same ticket; other XML under a taken summary ID is fault 1033', async () => {
    const client = submitter();
    const { base, xml } = rc();
    const first = (await client.sendSummary(`${base}.zip`, zipDocument(base, xml))) as { ticket: string };
    expect(await client.sendSummary(`${base}.zip`, zipDocument(base, xml))).toEqual({ outcome: 'ticket', ticket: first.ticket });
    const other = xml.replace('<cbc:ReferenceDate>2026-12-03', '<cbc:ReferenceDate>2026-12-02');
    expect(await client.sendSummary(`${base}.zip`, zipDocument(base, other))).toMatchObject({ outcome: 'exception', code: '1033', retryable: false });
    // Newest first: the 1033 fault, the resend, the first send.
    expect((await documentsNamed(`${base}.zip`)).map((d) => [d.outcome, d.resend])).toEqual([
      ['exception', false],
      ['accepted', true],
      ['accepted', false],
    ]);
  });

  it('rejects at getStatus (99): SUNAT-REJECT test data (2800), a bad signature (2334), a schema-invalid summary (2401), a queued rejection', async () => {
    const client = submitter();
    const marked = rc('SUNAT-REJECT S.A.C.');
    expect(await decided(client, marked.base, marked.xml)).toMatchObject({ outcome: 'rejected', code: '2800' });
    const tampered = rc();
    expect(await decided(client, tampered.base, tampered.xml.replace('>118.00<', '>119.00<'))).toMatchObject({ outcome: 'rejected', code: '2334' });
    const invalid = rc();
    expect(await decided(client, invalid.base, invalid.xml.replace(/<cbc:LineID>1<\/cbc:LineID>/, ''))).toMatchObject({ outcome: 'rejected', code: '2401' });
    await controlJson('/sunat/_outcomes', post({ code: '2223' }));
    const queued = rc();
    expect(await decided(client, queued.base, queued.xml)).toMatchObject({ outcome: 'rejected', code: '2223' });
  });

  it('a queued fault is the sendSummary answer; a queued observation is accepted with it; 0127 for an unknown ticket', async () => {
    const client = submitter();
    await controlJson('/sunat/_outcomes', post({ code: '0100' }));
    const first = rc();
    expect(await client.sendSummary(`${first.base}.zip`, zipDocument(first.base, first.xml))).toMatchObject({ outcome: 'exception', code: '0100', retryable: true });
    expect(answer(await decided(client, first.base, first.xml))).toMatchObject({ outcome: 'accepted', code: '0' });
    await controlJson('/sunat/_outcomes', post({ code: '4287' }));
    const observed = rc();
    expect(await decided(client, observed.base, observed.xml)).toMatchObject({ outcome: 'accepted_with_observations', observations: [expect.objectContaining({ code: '4287' })] });
    expect(await client.getStatus('999')).toMatchObject({ outcome: 'exception', code: '0127', retryable: false });
  });
});

describe('control', () => {
  it('validates _outcomes and lists, then clears, the queue', async () => {
    expect((await controlJson('/sunat/_outcomes', post({ code: '42' }))).status).toBe(400);
    expect((await controlJson('/sunat/_outcomes', post({ code: 'abc' }))).status).toBe(400);
    expect((await controlJson('/sunat/_outcomes', post({ code: '2017', count: 0 }))).status).toBe(400);
    expect((await controlJson('/sunat/_outcomes', post({ code: '2017', nope: 1 }))).status).toBe(400);
    expect((await controlJson('/sunat/_outcomes', post({ code: '100', count: 2 }))).body).toEqual({
      queued: [
        { code: '0100', description: null },
        { code: '0100', description: null },
      ],
    });
    expect((await controlJson('/sunat/_outcomes', { method: 'DELETE' })).body).toEqual({ queued: [] });
    expect((await controlJson('/sunat/_outcomes')).body).toEqual({ queued: [] });
  });

  it('answers SOAP faults for a non-SOAP body and 404 off the service path', async () => {
    const res = await fetch(billService, { method: 'POST', headers: { 'Content-Type': 'text/xml' }, body: 'hello' });
    expect(res.status).toBe(500);
    expect(await res.text()).toContain('<faultcode>soap-env:Client</faultcode>');
    expect((await fetch(billService.replace(/billService$/, 'other'), { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${sandbox.describe().sunat!.base_url}/billService`, { method: 'GET' })).status).toBe(405);
  });
});
