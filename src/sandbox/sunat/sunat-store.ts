import type { SunatObservation } from './sunat-codes';

export type SunatOutcome = 'accepted' | 'accepted_with_observations' | 'rejected' | 'exception';

/** One call the simulator received (control `GET /sunat/_documents`), as listed there. */
export interface ReceivedDocument {
  file_name: string;
  operation: 'sendBill' | 'sendSummary';
  /** From the file name; null when the name could not be read. */
  ruc: string | null;
  /** `01`, `03`, `07`, or `RC`/`RA`/`RR` for summaries. */
  type: string | null;
  /** The series (`F001`), or the date (`20240131`) of a summary. */
  series: string | null;
  number: number | null;
  outcome: SunatOutcome;
  /** `0`, the rejection or the exception code. */
  code: string;
  description: string;
  observations: SunatObservation[];
  received_at: string;
  /** sendSummary: the ticket handed out. */
  ticket: string | null;
  /** An identical resend of a document already answered: it got the stored CDR again. */
  resend: boolean;
}

/** A document SUNAT holds under its number, accepted or rejected: its content digest and the CDR it was answered. */
export interface RegisteredDocument {
  digest: string;
  cdrZip: Buffer;
  outcome: SunatOutcome;
  code: string;
  description: string;
  observations: SunatObservation[];
}

export interface SummaryTicket {
  ruc: string;
  /** getStatus calls so far: the first answers 98 (in process). */
  polls: number;
  statusCode: '0' | '99';
  cdrZip: Buffer;
  /** Polls answered 98 before the decision (1 by default). */
  inProcessPolls: number;
}

/** An answer queued by the control endpoint for the next sendBill calls. */
export interface ForcedOutcome {
  code: string;
  description: string | null;
}

/** Everything the SUNAT simulator holds, in memory, for its lifetime. */
export class SunatStore {
  documents: ReceivedDocument[] = [];
  /** By `{RUC}-{type}-{series}-{number}`: a number once answered is taken. */
  registered = new Map<string, RegisteredDocument>();
  tickets = new Map<string, SummaryTicket>();
  /** By `{RUC}-{summary id}`: the XML digest and ticket of a summary once taken (an identical resend gets the ticket again). */
  summaries = new Map<string, { digest: string; ticket: string; outcome: SunatOutcome; code: string; description: string }>();
  queued: ForcedOutcome[] = [];
  /** Documents whose SUNAT-EXCEPTION test data already produced its one fault. */
  readonly exceptionsRaised = new Set<string>();
  private lastTicket = 0;

  /** SUNAT tickets are long numbers; these are increasing millisecond-like numbers, unique per simulator. */
  nextTicket(now: number): string {
    this.lastTicket = Math.max(this.lastTicket + 1, now);
    return String(this.lastTicket);
  }

  takeQueued(): ForcedOutcome | null {
    return this.queued.shift() ?? null;
  }

  /** Forgets every document, number, ticket and test-data state (queued outcomes stay). */
  clear(): void {
    this.documents = [];
    this.registered.clear();
    this.tickets.clear();
    this.summaries.clear();
    this.exceptionsRaised.clear();
  }
}
