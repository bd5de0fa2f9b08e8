import { timingSafeEqual } from 'node:crypto';
import { validateUbl } from '../../invoices/ubl/ubl-schema';
import { verifyUblSignature } from '../../invoices/ubl/ubl-signer';
import type { WireResponse } from '../fault-listener';
import type { Clock } from '../sim-types';
import { acceptedDescription, buildCdrXml, cdrZip } from './sunat-cdr';
import { classOf, messageOf, normaliseCode, SunatFault, type SunatObservation } from './sunat-codes';
import { checkTotals, markersIn, markersOf } from './sunat-content';
import { fileNameParts, readBillFile, readSummaryFile, rucOfUsername, type BillFile } from './sunat-files';
import { SunatHttpServer, type SunatHttpRequest } from './sunat-http-server';
import { SchemaQueue } from './sunat-schema-queue';
import { faultEnvelope, getStatusResponse, parseSoapCall, sendBillResponse, sendSummaryResponse, SoapProtocolFault, type SoapCall, type SoapCredentials } from './sunat-soap';
import { SunatStore, type ForcedOutcome, type ReceivedDocument, type RegisteredDocument, type SunatOutcome } from './sunat-store';
import { NS, path, textOf } from './sunat-xml';

/**
 * SUNAT's SOAP `billService` in miniature (sunat.md B2), on its own loopback port: SmartPay's SunatSoapSubmitter
 * (or any SOAP client) posts to `<origin>/ol-ti-itcpfegem-beta/billService` (any path ending in `billService` works).
 * SOAP 1.1, WS-Security UsernameToken: username = RUC + SOL user (`20000000001MODDATOS`), password `moddatos` by
 * default. A configured user without a RUC accepts it after any 11-digit RUC, as SUNAT beta does; a configured user
 * that starts with a RUC accepts only that RUC.
 *
 * Operations:
 * - `sendBill(fileName, contentFile)`: a factura, boleta or credit note, answered with `applicationResponse` = the
 *   base64 CDR zip `R-{file}.zip` (see sunat-cdr.ts; unsigned). Checked in this order: credentials; queued fault;
 *   file name; RUC; zip; XML; root, type, ID and supplier RUC against the name; number already answered; SUNAT-EXCEPTION test
 *   data; XSD (validateUbl; switchable, `validateSchema`); signature (verifyUblSignature); queued rejection or
 *   observation, else SUNAT-REJECT / SUNAT-OBSERVE test data; totals.
 * - `sendSummary(fileName, contentFile)`: RC/RA/RR files → `ticket`. Checked: queued fault; file name, RUC, zip,
 *   root and ID; an ID already taken (identical resend: the same ticket; other XML: fault 1033); the RC XSD
 *   (switchable like sendBill's); signature; queued rejection or observation, else SUNAT-REJECT test data.
 * - `getStatus(ticket)`: `statusCode` 98 (in process) the first time, then 0 with `content` = the CDR zip (observations
 *   as its notes), or 99 with the rejection CDR.
 *
 * Resends (SmartPay resends after a timeout, and must learn the first send was taken): a number once answered
 * (accepted or rejected) is taken. An identical resend — the same XML bytes — gets the stored CDR again, unchanged;
 * another document under that number gets fault 1033. So under the `timeout` fault (processed, answered late) the
 * resend of the same document returns the CDR the sender never saw.
 *
 * Answers (faults are HTTP 500 `soap-env:Client.<code>` or `soap-env:Server.<code>`; [own] = the simulator's
 * choice where SUNAT's code or wording for the case could not be confirmed):
 *
 *   code  kind         when
 *   0     accepted     everything checks out ("La Factura numero F001-1, ha sido aceptada")
 *   0100  fault        queued only (`_outcomes`): SUNAT failing, resend later
 *   0101  fault        no wsse:Security/UsernameToken header
 *   0102  fault        wrong username or password ("Usuario o contraseña incorrectos")
 *   0126  fault        getStatus: the ticket belongs to another RUC
 *   0127  fault        getStatus: unknown ticket
 *   0130  fault        SUNAT-EXCEPTION test data, on the first send of that document only [own]
 *   0151  fault        file name not `{RUC}-{01|03|07}-{series}-{number}.zip` (or the summary pattern for sendSummary)
 *   0152  fault        a summary (RC/RA/RR) file sent with sendBill
 *   0154  fault        the file's RUC is not the username's RUC
 *   0155  fault        contentFile empty
 *   0156  fault        contentFile not base64, or not a zip
 *   0157  fault        the zip holds no file
 *   0158  fault        the zip holds more than one file
 *   0159  fault        the zipped file is not `.xml`
 *   0160  fault        the XML is empty
 *   0161  fault        the XML's name is not the zip's name with `.xml`
 *   0306  fault        the XML is not well-formed
 *   1001  fault        series letter does not fit the type (F for 01, B for 03, F/B for 07)
 *   1003  fault        root element or InvoiceTypeCode does not fit the file name's type
 *   1033  fault        the number was already answered and this is a different document
 *   1034  fault        the supplier's RUC in the XML is not the file name's
 *   1049  fault        cbc:ID is not the file name's series-number
 *   2122  rejection    PayableAmount ≠ LineExtensionAmount + TaxAmount (− allowances + charges − prepaid) [own]
 *   2334  rejection    the signature is missing or does not verify
 *   2401  rejection    the XML does not validate against the UBL 2.1 schema [own: SUNAT reports field by field]
 *   2800  rejection    SUNAT-REJECT test data
 *   4287  observation  SUNAT-OBSERVE test data (never computed by the simulator)
 *   4288  observation  a line's round2(quantity × PriceAmount) ≠ its LineExtensionAmount
 *   4309  observation  Σ lines' LineExtensionAmount ≠ LegalMonetaryTotal/LineExtensionAmount
 *   4310  observation  Σ lines' IGV (tax scheme 1000) ≠ the header's IGV
 *   Observations come as `cbc:Note` "4309 - …" in a CDR whose ResponseCode is 0.
 *
 * Test data: the customer's RegistrationName or a line's description containing `SUNAT-REJECT`, `SUNAT-OBSERVE` or
 * `SUNAT-EXCEPTION` (in a summary: anywhere in the XML; only SUNAT-REJECT counts there).
 *
 * Control (control-routes, api.md "Sandbox"): `POST {control}/sunat/_outcomes` `{ "code", "count"?, "description"? }`
 * queues the next sendBill answers — 0100–1999 a fault before any check; 2000–3999 a rejection and ≥ 4000 an
 * observation for a document that passes the checks up to the signature (instead of its test data); `0` plain
 * acceptance (test data ignored). `GET {control}/sunat/_documents` (`?file_name=`, `?ruc=`) lists every authenticated
 * sendBill/sendSummary, newest first, as `{ "data": [ { file_name, operation, ruc, type, series, number, outcome
 * (accepted | accepted_with_observations | rejected | exception), code, description, observations: [{ code,
 * description }], received_at, ticket, resend } ] }` (summaries: type RC/RA/RR, the date as series, their ticket;
 * `resend`: an identical resend answered with the stored CDR); `DELETE` forgets documents, numbers and tickets.
 */

export interface SunatSimulatorOptions {
  host: string;
  port: number;
  /** SOL user (`MODDATOS`), accepted after any RUC; or RUC + SOL user (`20000000001MODDATOS`) for that RUC only. */
  user: string;
  password: string;
  now: Clock;
  baseLatencyMs?: number;
  /** XSD validation of every sendBill document (default true): about 0.3 s each, so benchmarks may turn it off. */
  validateSchema?: boolean;
}

/** SUNAT beta's test credentials (sunat.md B2). */
export const SUNAT_DEFAULT_USER = 'MODDATOS';
export const SUNAT_DEFAULT_PASSWORD = 'moddatos';
/** The RUC describe() pairs with a RUC-less user: SUNAT's own beta test RUC, the demo issuer's. */
const DESCRIBED_RUC = '20000000001';
const BILL_SERVICE_PATH = '/ol-ti-itcpfegem-beta/billService';
const SOAP_TYPE = 'text/xml;charset=UTF-8';

export class SunatSimulator {
  readonly store = new SunatStore();
  readonly server: SunatHttpServer;
  private readonly schema = new SchemaQueue();

  constructor(private readonly options: SunatSimulatorOptions) {
    this.server = new SunatHttpServer({ host: options.host, port: options.port, baseLatencyMs: options.baseLatencyMs, handle: (req) => this.handle(req) });
  }

  /** The origin; the service is at `billServiceUrl`. */
  get baseUrl(): string {
    return this.server.origin;
  }

  get billServiceUrl(): string {
    return `${this.server.origin}${BILL_SERVICE_PATH}`;
  }

  /** The username a client should send: RUC + SOL user. */
  get username(): string {
    return rucOfUsername(this.options.user) ? this.options.user : `${DESCRIBED_RUC}${this.options.user}`;
  }

  get password(): string {
    return this.options.password;
  }

  async start(): Promise<void> {
    await this.server.start();
  }

  async close(): Promise<void> {
    await this.server.close();
  }

  /** Received calls, newest first. */
  documents(): ReceivedDocument[] {
    return [...this.store.documents].reverse();
  }

  /** Forgets received documents, taken numbers and tickets: numbers can be sent again as new. */
  clearDocuments(): void {
    this.store.clear();
  }

  /** Queues `count` answers for the next sendBill/sendSummary calls; null when the code is not one SUNAT answers. */
  queueOutcome(code: string, count = 1, description: string | null = null): ForcedOutcome[] | null {
    if (classOf(code) === null) return null;
    const normalised = normaliseCode(code);
    for (let i = 0; i < count; i++) this.store.queued.push({ code: normalised, description });
    return this.queuedOutcomes();
  }

  queuedOutcomes(): ForcedOutcome[] {
    return this.store.queued.map((o) => ({ ...o }));
  }

  clearOutcomes(): void {
    this.store.queued = [];
  }

  private async handle(req: SunatHttpRequest): Promise<WireResponse> {
    if (!req.path.endsWith('billService')) return { status: 404, text: '<html><body><h1>404 Not Found</h1></body></html>', contentType: 'text/html; charset=utf-8' };
    if (req.method !== 'POST') return { status: 405, text: '<html><body><h1>405 Method Not Allowed</h1></body></html>', contentType: 'text/html; charset=utf-8', headers: { Allow: 'POST' } };
    try {
      const call = parseSoapCall(req.body);
      const ruc = this.authenticate(call.credentials);
      return { status: 200, text: await this.dispatch(call, ruc), contentType: SOAP_TYPE };
    } catch (err) {
      if (err instanceof SunatFault) return { status: 500, text: faultEnvelope(`soap-env:${err.side}.${err.code}`, err.message), contentType: SOAP_TYPE };
      if (err instanceof SoapProtocolFault) return { status: 500, text: faultEnvelope('soap-env:Client', err.message), contentType: SOAP_TYPE };
      throw err;
    }
  }

  private async dispatch(call: SoapCall, ruc: string): Promise<string> {
    switch (call.operation) {
      case 'sendBill':
        return sendBillResponse(await this.recorded(call.operation, call.fileName, () => this.sendBill(call.fileName, call.contentFile, ruc)));
      case 'sendSummary':
        return sendSummaryResponse(await this.recorded(call.operation, call.fileName, () => this.sendSummary(call.fileName, call.contentFile, ruc)));
      case 'getStatus':
        return this.getStatus(call.ticket, ruc);
    }
  }

  /** The username's RUC when the credentials are right; fault 0102 otherwise. */
  private authenticate(credentials: SoapCredentials): string {
    const ruc = rucOfUsername(credentials.username);
    const fixed = rucOfUsername(this.options.user) !== null;
    const userOk = fixed
      ? credentials.username.toUpperCase() === this.options.user.toUpperCase()
      : ruc !== null && credentials.username.slice(11).toUpperCase() === this.options.user.toUpperCase();
    if (!userOk || !ruc || !sameSecret(credentials.password, this.options.password)) throw new SunatFault('0102');
    return ruc;
  }

  /** Runs one send and lists it, faults included (those carry what the file name tells). */
  private async recorded<T>(operation: 'sendBill' | 'sendSummary', fileName: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof SunatFault) this.record({ ...fileNameParts(fileName), file_name: fileName, operation, outcome: 'exception', code: err.code, description: err.message, observations: [], ticket: null, resend: false });
      throw err;
    }
  }

  private record(entry: Omit<ReceivedDocument, 'received_at'>): void {
    this.store.documents.push({ ...entry, received_at: new Date(this.options.now()).toISOString() });
  }

  private async sendBill(fileName: string, contentFile: string, ruc: string): Promise<Buffer> {
    const queued = this.store.queued[0];
    if (queued && classOf(queued.code) === 'exception') {
      this.store.takeQueued();
      throw new SunatFault(queued.code, queued.description ?? undefined);
    }
    const file = readBillFile(fileName, contentFile, ruc);
    const key = `${file.ruc}-${file.type}-${file.series}-${file.number}`;
    const earlier = this.store.registered.get(key);
    if (earlier) return this.answerResend(fileName, file, earlier);
    if (markersOf(file.root).has('exception') && !this.store.exceptionsRaised.has(key)) {
      this.store.exceptionsRaised.add(key);
      throw new SunatFault('0130', 'dato de prueba SUNAT-EXCEPTION');
    }

    let rejection = await this.structuralRejection(file);
    // Another send of this number may have been answered while the schema was being checked.
    const meanwhile = this.store.registered.get(key);
    if (meanwhile) return this.answerResend(fileName, file, meanwhile);

    const observations: SunatObservation[] = [];
    if (!rejection) {
      const forced = this.takeContentOutcome();
      const markers = markersOf(file.root);
      if (forced && classOf(forced.code) === 'rejection') rejection = { code: forced.code, description: forced.description ?? messageOf(forced.code) };
      else if (forced && classOf(forced.code) === 'observation') observations.push({ code: forced.code, description: forced.description ?? messageOf(forced.code) });
      else if (!forced && markers.has('reject')) rejection = { code: '2800', description: messageOf('2800') };
      else if (!forced && markers.has('observe')) observations.push({ code: '4287', description: messageOf('4287') });
    }
    if (!rejection) {
      const totals = checkTotals(file.root);
      observations.push(...totals.observations);
      rejection = totals.rejection;
    }

    const outcome: SunatOutcome = rejection ? 'rejected' : observations.length > 0 ? 'accepted_with_observations' : 'accepted';
    const code = rejection?.code ?? '0';
    const description = rejection?.description ?? acceptedDescription(file.type, file.id);
    const notes = rejection ? [] : observations;
    const schemeId = path(file.root, [NS.cac, 'AccountingCustomerParty'], [NS.cac, 'Party'], [NS.cac, 'PartyIdentification'], [NS.cbc, 'ID'])?.getAttribute('schemeID');
    const customerId = textOf(path(file.root, [NS.cac, 'AccountingCustomerParty'], [NS.cac, 'Party'], [NS.cac, 'PartyIdentification'], [NS.cbc, 'ID']));
    const xml = buildCdrXml({
      cdrId: this.store.nextTicket(this.options.now()),
      documentId: file.id,
      documentTypeCode: file.type,
      issuerRuc: file.ruc,
      recipient: customerId ? { schemeId: schemeId || '-', id: customerId } : null,
      responseCode: code,
      description,
      notes,
      at: new Date(this.options.now()),
    });
    const zip = cdrZip(file.base, xml);
    this.store.registered.set(key, { digest: file.digest, cdrZip: zip, outcome, code, description, observations: notes });
    this.record({ file_name: fileName, operation: 'sendBill', ruc: file.ruc, type: file.type, series: file.series, number: file.number, outcome, code, description, observations: notes, ticket: null, resend: false });
    return zip;
  }

  /** The same bytes again: the stored CDR, unchanged. Anything else under a taken number: fault 1033. */
  private answerResend(fileName: string, file: BillFile, earlier: RegisteredDocument): Buffer {
    if (earlier.digest !== file.digest) throw new SunatFault('1033');
    this.record({
      file_name: fileName,
      operation: 'sendBill',
      ruc: file.ruc,
      type: file.type,
      series: file.series,
      number: file.number,
      outcome: earlier.outcome,
      code: earlier.code,
      description: earlier.description,
      observations: earlier.observations,
      ticket: null,
      resend: true,
    });
    return earlier.cdrZip;
  }

  /** Schema, then signature: a document SUNAT cannot trust is rejected, and its number burned. */
  private async structuralRejection(file: BillFile): Promise<SunatObservation | null> {
    if (this.options.validateSchema ?? true) {
      const result = await this.schema.validate(file.bytes, file.schemaRoot);
      if (!result.valid) return { code: '2401', description: `${messageOf('2401')}: ${result.errors[0] ?? 'documento inválido'}` };
    }
    const signature = verifyUblSignature(file.text);
    if (!signature.valid) return { code: '2334', description: `${messageOf('2334')}: ${signature.errors[0] ?? 'firma inválida'}` };
    return null;
  }

  /** A queued rejection, observation or plain acceptance, consumed by the document it decides. */
  private takeContentOutcome(): ForcedOutcome | null {
    const next = this.store.queued[0];
    return next && classOf(next.code) !== 'exception' ? this.store.takeQueued() : null;
  }

  /**
   * A summary is taken as SUNAT takes it — a ticket now, the decision later by getStatus — after the same checks as
   * a sendBill document: a queued fault first; file name, zip and root; then (RC only) the SummaryDocuments XSD
   * when schema validation is on, the signature, a queued rejection/observation or SUNAT-REJECT test data. An
   * identical resend of a summary ID gets its ticket again; another XML under that ID is fault 1033.
   */
  private async sendSummary(fileName: string, contentFile: string, ruc: string): Promise<string> {
    const queued = this.store.queued[0];
    if (queued && classOf(queued.code) === 'exception') {
      this.store.takeQueued();
      throw new SunatFault(queued.code, queued.description ?? undefined);
    }
    const file = readSummaryFile(fileName, contentFile, ruc);
    const parts = fileNameParts(fileName);
    const taken = this.store.summaries.get(`${ruc}-${file.id}`);
    if (taken) {
      if (taken.digest !== file.digest) throw new SunatFault('1033');
      this.record({ ...parts, file_name: fileName, operation: 'sendSummary', outcome: taken.outcome, code: taken.code, description: taken.description, observations: [], ticket: taken.ticket, resend: true });
      return taken.ticket;
    }
    let rejection: SunatObservation | null = null;
    if (file.type === 'RC' && (this.options.validateSchema ?? true)) {
      const result = await validateUbl(file.bytes, 'SummaryDocuments');
      if (!result.valid) rejection = { code: '2401', description: `${messageOf('2401')}: ${result.errors[0] ?? 'documento inválido'}` };
    }
    if (!rejection) {
      const signature = verifyUblSignature(file.text);
      if (!signature.valid) rejection = { code: '2334', description: `${messageOf('2334')}: ${signature.errors[0] ?? 'firma inválida'}` };
    }
    const observations: SunatObservation[] = [];
    if (!rejection) {
      const forced = this.takeContentOutcome();
      if (forced && classOf(forced.code) === 'rejection') rejection = { code: forced.code, description: forced.description ?? messageOf(forced.code) };
      else if (forced && classOf(forced.code) === 'observation') observations.push({ code: forced.code, description: forced.description ?? messageOf(forced.code) });
      else if (!forced && markersIn(file.text).has('reject')) rejection = { code: '2800', description: messageOf('2800') };
    }
    const ticket = this.store.nextTicket(this.options.now());
    const outcome: SunatOutcome = rejection ? 'rejected' : observations.length > 0 ? 'accepted_with_observations' : 'accepted';
    const code = rejection?.code ?? '0';
    const description = rejection?.description ?? acceptedDescription(file.type, file.id);
    const xml = buildCdrXml({ cdrId: ticket, documentId: file.id, documentTypeCode: null, issuerRuc: ruc, recipient: null, responseCode: code, description, notes: observations, at: new Date(this.options.now()) });
    this.store.tickets.set(ticket, { ruc, polls: 0, statusCode: rejection ? '99' : '0', cdrZip: cdrZip(file.base, xml), inProcessPolls: 1 });
    this.store.summaries.set(`${ruc}-${file.id}`, { digest: file.digest, ticket, outcome, code, description });
    this.record({ ...parts, file_name: fileName, operation: 'sendSummary', outcome, code, description, observations, ticket, resend: false });
    return ticket;
  }

  private getStatus(ticketId: string, ruc: string): string {
    const ticket = this.store.tickets.get(ticketId);
    if (!ticket) throw new SunatFault('0127');
    if (ticket.ruc !== ruc) throw new SunatFault('0126');
    ticket.polls += 1;
    return ticket.polls <= ticket.inProcessPolls ? getStatusResponse('98', null) : getStatusResponse(ticket.statusCode, ticket.cdrZip);
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
