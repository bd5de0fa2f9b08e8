import type { Invoice } from './invoice.entity';
import { fullDocumentNumber } from './invoice-document';

/**
 * What a document's replacement is, in one place for the three ways one is issued — automatically after a rejection
 * (invoice-submission.ts), `POST /v1/invoices/{id}/reissue` and `invoices:reissue` — so they all aim at the same
 * `issue_key` and can never issue two replacements of one document.
 */

/** The job `invoices:reissue` queues for the running instances' workers (the CLI holds no signing credentials). */
export const REISSUE_INVOICE_JOB = 'invoices.reissue';

/** `sale:<order>:<n>` / `refund:<refund>:<n>`: n is 1 for the first document, 1 + the rejected ones before it after that. */
export function issueAttempt(invoice: Pick<Invoice, 'issueKey'>): number {
  return Number(/:(\d+)$/.exec(invoice.issueKey)?.[1] ?? 1);
}

/** The attempt the replacement of this document is issued as. */
export function replacementAttempt(invoice: Pick<Invoice, 'issueKey'>): number {
  return issueAttempt(invoice) + 1;
}

/** The unique `issue_key` the replacement of this document has (whoever issues it). */
export function replacementIssueKey(invoice: Pick<Invoice, 'issueKey'>): string {
  return `${invoice.issueKey.replace(/:\d+$/, '')}:${replacementAttempt(invoice)}`;
}

/**
 * Why this document cannot be issued again, or null when it can: only a `rejected` document (its number is burned)
 * that no document replaces yet. `replacement` is the document under its replacement's issue key, if one exists and
 * is issued (a `numbered` one is a replacement half issued by a run that died: finishing it is issuing it).
 */
export function reissueRefusal(invoice: Invoice, replacement: Pick<Invoice, 'id' | 'series' | 'number'> | null): string | null {
  const number = fullDocumentNumber(invoice.series, invoice.number);
  if (replacement) return `${number} was already replaced by ${fullDocumentNumber(replacement.series, replacement.number)} (${replacement.id})`;
  switch (invoice.status) {
    case 'rejected':
      return null;
    case 'accepted':
    case 'accepted_with_observations':
      return `${number} is ${invoice.status}: SUNAT took it, so it stays the valid document; only a rejected document can be issued again`;
    case 'error':
      return `${number} is in error: SUNAT/OSE never answered for it, so it is not rejected and its number is not burned; only a rejected document can be issued again`;
    default:
      return `${number} is ${invoice.status}: SUNAT/OSE has not answered yet; only a rejected document can be issued again`;
  }
}
