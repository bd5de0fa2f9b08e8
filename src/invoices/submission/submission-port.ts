/**
 * How SmartPay hands a signed, zipped document to SUNAT or an OSE, and the answers it can get (sunat.md B1/B2, B4
 * item 6). Expected outcomes — a rejection, a refused connection — are results, never exceptions: the caller
 * decides what each means for the document (store the CDR, burn the number, send again later).
 */

export interface SubmissionObservation {
  /** SUNAT's four-digit code, `4309`. */
  code: string;
  description: string;
}

/** SUNAT answered with a CDR: the document was received and decided. */
export interface SubmissionAnswer {
  /**
   * `accepted`: code 0 without observations; `accepted_with_observations`: accepted, with ≥ 4000 codes (in the
   * CDR's notes or as its response code); `rejected`: 2000–3999, the number is burned.
   */
  outcome: 'accepted' | 'accepted_with_observations' | 'rejected';
  /** The CDR's ResponseCode (`0`, `2800`, …). */
  code: string;
  description: string;
  observations: SubmissionObservation[];
  /** The CDR zip as SUNAT sent it (kept for the customer and for audits). */
  cdrZip: Buffer;
  /** The CDR XML inside it. */
  cdrXml: string;
}

/**
 * SUNAT did not decide the document: a SOAP fault (exceptions 0100–1999), an HTTP error, a timeout or a failed
 * connection. The number is not burned.
 * `retryable`: sending the *same* document again later may succeed — system faults, HTTP 5xx, timeouts, refused or
 * dropped connections. After a timeout the first send may have been processed: the resend is how SmartPay learns
 * it, which is only safe because the resend carries the same XML bytes (SUNAT and the simulator answer an identical
 * resend with the stored CDR). Not retryable: faults that no resend can fix (credentials, file name, zip, content,
 * 1033 "registered before with other data" — SUNAT holds a different document under this number).
 */
export interface SubmissionException {
  outcome: 'exception';
  /** SUNAT's fault code (`0102`, `1033`), or SmartPay's for transport failures: `timeout`, `connection_refused`, `http_503`, … */
  code: string;
  description: string;
  retryable: boolean;
}

export type SubmissionResult = SubmissionAnswer | SubmissionException;

/** sendSummary: a ticket to poll with getStatus, or why there is none. */
export type SummarySubmission = { outcome: 'ticket'; ticket: string } | SubmissionException;

/** getStatus: still in process (98, poll again), or the summary's answer (0 → accepted, 99 → rejected) as for sendBill. */
export type TicketStatus = { outcome: 'in_process'; ticket: string } | SubmissionResult;

/**
 * SUNAT's billService contract, spoken by SUNAT itself and by OSEs: one implementation per protocol, pointed at
 * whichever endpoint the issuer uses.
 */
export interface SunatSubmitter {
  /** A factura, boleta or note, synchronously: `fileName` is the zip's name (`20000000001-01-F001-1.zip`). */
  sendBill(fileName: string, zip: Buffer): Promise<SubmissionResult>;
  /** A daily summary (RC) or a void (RA/RR), asynchronously. */
  sendSummary?(fileName: string, zip: Buffer): Promise<SummarySubmission>;
  getStatus?(ticket: string): Promise<TicketStatus>;
}
