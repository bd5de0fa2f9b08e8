import { validateUbl, type UblValidation } from '../../invoices/ubl/ubl-schema';

type Root = 'Invoice' | 'CreditNote';

interface Waiting {
  root: Root;
  xml: Buffer;
  resolve: (result: UblValidation) => void;
  reject: (err: unknown) => void;
}

/** A batch shares one schema compilation; more than this and a batch's answer waits too long for the first. */
const MAX_BATCH = 20;

/**
 * Schema validation for the simulator, one run at a time: each run compiles the UBL schemas (about a quarter
 * of a second) in a worker, so concurrent submissions would only compete for the CPU. Documents that arrive
 * while a run is going wait and are validated together in the next run. An invalid batch is checked again one
 * document at a time, so each document gets its own verdict.
 */
export class SchemaQueue {
  private waiting: Waiting[] = [];
  private running = false;

  validate(xml: Buffer, root: Root): Promise<UblValidation> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ root, xml, resolve, reject });
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.waiting.length > 0) {
        const root = this.waiting[0]!.root;
        const batch = this.waiting.filter((w) => w.root === root).slice(0, MAX_BATCH);
        this.waiting = this.waiting.filter((w) => !batch.includes(w));
        await this.run(batch, root);
      }
    } finally {
      this.running = false;
    }
  }

  private async run(batch: Waiting[], root: Root): Promise<void> {
    try {
      const together = await validateUbl(batch.map((w) => w.xml), root);
      if (together.valid || batch.length === 1) {
        for (const w of batch) w.resolve(together);
        return;
      }
      for (const w of batch) w.resolve(await validateUbl(w.xml, root));
    } catch (err) {
      for (const w of batch) w.reject(err);
    }
  }
}
