import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { AlertsService } from '../alerts/alerts.service';
import type { AuthedCaller } from '../common/auth/api-key.guard';
import { ApiError } from '../common/errors/api-error';
import { EntityRows } from '../database/entity-rows';
import { SqlRunner } from '../database/sql-runner';
import { Invoice } from './invoice.entity';
import { fullDocumentNumber } from './invoice-document';
import { type IssueOutcome, InvoiceIssuer, NotYetIssuable } from './invoice-issuer';
import { presentInvoice } from './invoice.presenter';
import { reissueRefusal, replacementIssueKey } from './reissue-rules';

type Reissued = { invoice: Invoice } | { refused: string };

/**
 * Issuing again by hand, once a person fixed what made SUNAT reject a document (after INVOICE_MAX_REISSUES ran out,
 * or sooner): `POST /v1/invoices/{id}/reissue` and the `invoices:reissue` command's job. The corrected document is
 * issued by InvoiceIssuer.reissue exactly as the automatic reissue issues it — new number in the numbering
 * transaction, `invoice.issued`, submission, the customer's replacement e-mail — under the same `issue_key`, so of
 * any number of concurrent requests (and a racing automatic job) one issues it; the others are told it was replaced.
 */
@Injectable()
export class InvoiceReissues {
  constructor(
    private readonly sql: SqlRunner,
    private readonly rows: EntityRows,
    private readonly issuer: InvoiceIssuer,
    private readonly alerts: AlertsService,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext('Invoices');
  }

  async reissue(caller: AuthedCaller, id: string) {
    const [invoice] = await this.rows.select(this.sql, Invoice, "id = ? and app_id = ? and status <> 'numbered'", [id, caller.appId]);
    if (!invoice) throw ApiError.notFound('invoice');
    const result = await this.reissueDocument(invoice);
    if ('refused' in result) throw new ApiError('invoice_not_reissuable', result.refused);
    return presentInvoice(result.invoice);
  }

  /** The `invoices.reissue` job: the same rules; a refusal is final (logged, not retried). */
  async reissueQueued(invoiceId: string): Promise<void> {
    const [invoice] = await this.rows.select(this.sql, Invoice, "id = ? and status <> 'numbered'", [invoiceId]);
    if (!invoice) return;
    const result = await this.reissueDocument(invoice);
    if ('refused' in result) this.logger.warn({ invoiceId, reason: result.refused }, 'invoice not issued again');
  }

  private async reissueDocument(rejected: Invoice): Promise<Reissued> {
    const refusal = reissueRefusal(rejected, await this.issuedReplacement(rejected));
    if (refusal) return { refused: refusal };
    let outcome: IssueOutcome | null;
    try {
      outcome = await this.issuer.reissue(rejected);
    } catch (err) {
      if (!(err instanceof NotYetIssuable)) throw err;
      return { refused: `${fullDocumentNumber(rejected.series, rejected.number)} modifies a sale document that is rejected and not replaced: issue that one again first` };
    }
    if (!outcome) return { refused: `nothing can be issued for order ${rejected.orderId} now: it is no longer paid, or invoicing is off for its app` };
    // A concurrent request (or the automatic job) issued it between the check above and this call.
    if (!outcome.issuedNow) return { refused: reissueRefusal(rejected, outcome.invoice)! };
    // The rejection alert asked a person to correct the cause and issue it again: done, so its condition is gone.
    await this.alerts.clear(`invoice_rejected:${rejected.id}`);
    this.logger.info({ invoiceId: outcome.invoice.id, replaces: rejected.id }, 'invoice issued again by hand');
    return { invoice: outcome.invoice };
  }

  /** The issued document under this one's replacement key, if any (a `numbered` one is finished by issuing again). */
  private async issuedReplacement(invoice: Invoice): Promise<Invoice | null> {
    const [replacement] = await this.rows.select(this.sql, Invoice, "issue_key = ? and status <> 'numbered'", [replacementIssueKey(invoice)]);
    return replacement ?? null;
  }
}
