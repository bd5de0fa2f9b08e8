import type { Element } from '@xmldom/xmldom';
import { request, type Dispatcher } from 'undici';
import type { SubmissionException, SubmissionResult, SummarySubmission, SunatSubmitter, TicketStatus } from './submission-port';
import { faultException, param, readCdr, readSoapReply, requestEnvelope, type BillServiceOperation } from './sunat-soap-messages';

export interface SunatSoapSubmitterOptions {
  /** The full billService URL: SUNAT beta or production, an OSE's, or the sandbox simulator's. */
  baseUrl: string;
  /** WS-Security username: RUC + SOL user (`20000000001MODDATOS`), or the OSE's user. */
  username: string;
  password: string;
  /** From writing the request to the last byte of the answer. */
  timeoutMs: number;
  /** undici dispatcher; undici's global (keep-alive) one by default. */
  dispatcher?: Dispatcher;
}

/** Sent on every call (as on gateway calls): lets SUNAT's or an OSE's support find SmartPay's traffic. */
const USER_AGENT = 'SmartPay/0.1';
/** A CDR zip is a few KB; a summary's a little more. Anything far larger is not a billService answer. */
const MAX_ANSWER_BYTES = 5 * 1024 * 1024;

type Reply = { kind: 'response'; element: Element } | { kind: 'exception'; exception: SubmissionException };

/**
 * SUNAT's SOAP billService (sunat.md B2, B4 item 6), hand-built SOAP 1.1 with a WS-Security UsernameToken. An OSE
 * speaks the same contract (same operations, faults and CDR), so an issuer that submits through an OSE uses this
 * class with the OSE's URL and user. Never throws: every failure is a SubmissionException, and a transport failure
 * is always retryable — resending the identical document is safe and is how a lost answer is recovered.
 */
export class SunatSoapSubmitter implements SunatSubmitter {
  constructor(private readonly options: SunatSoapSubmitterOptions) {}

  async sendBill(fileName: string, zip: Buffer): Promise<SubmissionResult> {
    const reply = await this.call('sendBill', { fileName: zipName(fileName), contentFile: zip.toString('base64') });
    if (reply.kind === 'exception') return reply.exception;
    const content = param(reply.element, 'applicationResponse');
    if (!content) return invalidAnswer('sendBill answered without applicationResponse');
    return readCdr(Buffer.from(content, 'base64'));
  }

  async sendSummary(fileName: string, zip: Buffer): Promise<SummarySubmission> {
    const reply = await this.call('sendSummary', { fileName: zipName(fileName), contentFile: zip.toString('base64') });
    if (reply.kind === 'exception') return reply.exception;
    const ticket = param(reply.element, 'ticket');
    return ticket ? { outcome: 'ticket', ticket } : invalidAnswer('sendSummary answered without a ticket');
  }

  /** statusCode 98: still in process; 0: done (the CDR says how); 99: done with errors (a rejection CDR). */
  async getStatus(ticket: string): Promise<TicketStatus> {
    const reply = await this.call('getStatus', { ticket });
    if (reply.kind === 'exception') return reply.exception;
    const statusCode = param(reply.element, 'status', 'statusCode');
    const content = param(reply.element, 'status', 'content');
    if (statusCode === '98') return { outcome: 'in_process', ticket };
    if ((statusCode === '0' || statusCode === '99') && content) return readCdr(Buffer.from(content, 'base64'), statusCode === '99');
    return invalidAnswer(`getStatus answered statusCode ${statusCode ?? '(none)'}${content ? '' : ' without content'}`);
  }

  /** One POST; a SOAP fault in any status is read as such, other non-2xx answers are HTTP errors. */
  private async call(operation: BillServiceOperation, params: Record<string, string>): Promise<Reply> {
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    let status: number;
    let text: string;
    try {
      const res = await request(this.options.baseUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: `"urn:${operation}"`, Accept: 'text/xml', 'User-Agent': USER_AGENT },
        body: requestEnvelope(operation, params, this.options),
        signal,
        dispatcher: this.options.dispatcher,
      });
      status = res.statusCode;
      text = await readText(res.body);
    } catch (err) {
      return { kind: 'exception', exception: transportException(err, signal.aborted, this.options.timeoutMs) };
    }
    const reply = readSoapReply(text, operation);
    if (reply.kind === 'fault') return { kind: 'exception', exception: faultException(reply.faultcode, reply.faultstring) };
    if (status < 200 || status > 299) return { kind: 'exception', exception: httpException(status) };
    if (reply.kind === 'unreadable') return { kind: 'exception', exception: invalidAnswer(`${operation} answered HTTP ${status} without a SOAP ${operation}Response`) };
    return reply;
  }
}

/** SUNAT's fileName parameter is the zip's name. */
function zipName(fileName: string): string {
  return /\.zip$/i.test(fileName) ? fileName : `${fileName}.zip`;
}

async function readText(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_ANSWER_BYTES) {
      body.destroy();
      throw new AnswerTooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

class AnswerTooLarge extends Error {
  override name = 'AnswerTooLarge';
  constructor() {
    super(`answer larger than ${MAX_ANSWER_BYTES} bytes`);
  }
}

/**
 * A 2xx answer that is no billService answer (a proxy's page, a truncated body): whether the document was taken is
 * unknown, and an identical resend is the safe way to find out.
 */
function invalidAnswer(description: string): SubmissionException {
  return { outcome: 'exception', code: 'invalid_response', description, retryable: true };
}

/** 5xx, 408 and 429 are passing conditions; other statuses (401, 404…) mean a wrong URL or account. */
function httpException(status: number): SubmissionException {
  const retryable = status >= 500 || status === 408 || status === 429;
  return { outcome: 'exception', code: `http_${status}`, description: `billService answered HTTP ${status} without a SOAP fault`, retryable };
}

interface ErrorShape {
  name?: string;
  code?: string;
  message?: string;
  cause?: { code?: string; name?: string };
  errors?: { code?: string }[];
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_ABORTED']);
const NOT_SENT: Record<string, [string, string]> = {
  ECONNREFUSED: ['connection_refused', 'connection refused: the document was not sent'],
  ENOTFOUND: ['dns', 'the billService host name does not resolve: the document was not sent'],
  EAI_AGAIN: ['dns', 'the billService host name could not be resolved now: the document was not sent'],
};

/**
 * A call that got no answer. A timeout or a dropped connection may have been processed (SUNAT answers late, or the
 * answer was lost): the resend of the same document returns the stored CDR then. All of them are retryable.
 */
function transportException(err: unknown, timedOut: boolean, timeoutMs: number): SubmissionException {
  const e = (err ?? {}) as ErrorShape;
  const code = e.code ?? e.cause?.code ?? e.errors?.[0]?.code ?? '';
  if (timedOut || e.name === 'TimeoutError' || e.name === 'AbortError' || TIMEOUT_CODES.has(code)) {
    return { outcome: 'exception', code: 'timeout', description: `no answer within ${timeoutMs} ms; the document may have been processed`, retryable: true };
  }
  const notSent = NOT_SENT[code];
  if (notSent) return { outcome: 'exception', code: notSent[0], description: notSent[1], retryable: true };
  if (e.name === 'AnswerTooLarge') return { outcome: 'exception', code: 'invalid_response', description: e.message ?? 'answer too large', retryable: true };
  return { outcome: 'exception', code: 'connection_lost', description: `connection lost (${code || e.message || 'unknown'}); the document may have been processed`, retryable: true };
}
