import { Clock } from '../common/clock';
import { EntityRows } from '../database/entity-rows';
import { Invoice } from '../invoices/invoice.entity';
import { presentInvoice } from '../invoices/invoice.presenter';
import { REISSUE_INVOICE_JOB, reissueRefusal, replacementIssueKey } from '../invoices/reissue-rules';
import { Job } from '../jobs/job.entity';
import { JobQueue } from '../jobs/job-queue';
import { expectArgs } from './cli-args';
import { CliError } from './cli-error';
import type { Command } from './commands';

/** How long the command waits for a worker to issue the document before it answers "queued". */
const WAIT_MS = 20_000;
const POLL_MS = 250;

/**
 * `invoices:reissue <id>`: what `POST /v1/invoices/{id}/reissue` does, for any app's document (operators). The CLI
 * holds no signing credentials and starts no SmartPay, so it checks the same rules (for a clear refusal here), queues
 * the work for the running instances' workers — which check them again and issue exactly as the API does, so a
 * racing API call or automatic reissue still ends in one document — and waits a little for the new document.
 */
export const invoicesReissue: Command = async (args, env) => {
  const [id] = expectArgs(args, ['id']);
  return env.withDatabase(async (db) => {
    const em = db.orm.em.fork();
    const invoice = await em.findOne(Invoice, { id: id!, status: { $ne: 'numbered' } });
    if (!invoice) throw new CliError(`no invoice with id ${id}`);
    const issueKey = replacementIssueKey(invoice);
    const refusal = reissueRefusal(invoice, await em.findOne(Invoice, { issueKey, status: { $ne: 'numbered' } }));
    if (refusal) throw new CliError(refusal);

    const clock = new Clock();
    // One job per run of the command, found again by its key to follow it.
    const dedupeKey = `${REISSUE_INVOICE_JOB}:${invoice.id}:${clock.now().toISOString()}`;
    await em.transactional((tx) => new JobQueue(clock, env.config, new EntityRows(tx)).enqueue(tx, REISSUE_INVOICE_JOB, { invoice_id: invoice.id }, { dedupeKey, appId: invoice.appId, maxAttempts: 3 }));
    env.logger.info({ invoice_id: invoice.id }, 'reissue queued');

    for (const until = Date.now() + WAIT_MS; Date.now() < until; await sleep(POLL_MS)) {
      const look = db.orm.em.fork();
      const issued = await look.findOne(Invoice, { issueKey, status: { $ne: 'numbered' } });
      if (issued) return presentInvoice(issued);
      const job = await look.findOne(Job, { dedupeKey });
      if (job?.status === 'dead') throw new CliError(`the reissue job ${job.id} failed: ${job.lastError ?? 'no error recorded'}`);
      if (job?.status === 'succeeded') {
        throw new CliError(`the worker did not issue ${presentInvoice(invoice).full_number} again (its log says why: the order is no longer paid, invoicing is off for its app, or the sale document a credit note modifies is rejected)`);
      }
    }
    const job = await db.orm.em.fork().findOne(Job, { dedupeKey });
    return { object: 'invoice_reissue', invoice_id: invoice.id, status: 'queued', job_id: job?.id ?? null, note: 'no worker issued it yet: the job workers of the running SmartPay instances will' };
  });
};

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
