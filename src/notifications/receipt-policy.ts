import { Injectable } from '@nestjs/common';

/**
 * Whether an app's payment receipt waits for its invoice. When it does, the `order.paid` event asks for no
 * receipt; the invoice, once issued, asks for it instead (with the same dedupe key) and travels attached to it —
 * one e-mail per payment either way. The invoices module installs the rule at start (it knows which apps invoice);
 * without it every receipt goes out at once.
 */
@Injectable()
export class ReceiptPolicy {
  private rule: (appId: string) => boolean = () => false;

  waitForInvoiceWhen(rule: (appId: string) => boolean): void {
    this.rule = rule;
  }

  waitsForInvoice(appId: string): boolean {
    return this.rule(appId);
  }
}
