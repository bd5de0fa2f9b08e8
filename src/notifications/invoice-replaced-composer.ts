import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { Customer } from '../customers/customer.entity';
import { SqlRunner } from '../database/sql-runner';
import { Invoice } from '../invoices/invoice.entity';
import { fullDocumentNumber } from '../invoices/invoice-document';
import { Order } from '../orders/order.entity';
import type { Composed } from './email-composer';
import type { EmailMessage } from './email-message.entity';
import { invoiceAttachments } from './invoice-attachments';
import { InvoiceReplacementEmails } from './invoice-replacement-emails';
import type { Brand, Locale } from './templates/email-models';

/**
 * What the replacement notice (`invoice_replaced`) says and to whom, resolved when it is sent: the documents as stored
 * (`context.replaces_invoice_id` the customer holds, `context.invoice_id` the one attached), the address the void
 * document went to, and the customer's language as it is now.
 */
@Injectable()
export class InvoiceReplacedComposer {
  private readonly brand: Brand;

  constructor(
    private readonly em: EntityManager,
    private readonly sql: SqlRunner,
    private readonly replacements: InvoiceReplacementEmails,
    config: AppConfig,
  ) {
    this.brand = config.mailBrand;
  }

  async compose(email: EmailMessage): Promise<Composed> {
    const em = this.em.fork();
    if (!email.appId) return { skip: 'a customer e-mail without an app' };
    // Scoped to the e-mail's app: a notice can never describe another app's documents.
    const [replaced, replacement] = await Promise.all([
      em.findOne(Invoice, { id: String(email.context.replaces_invoice_id), appId: email.appId }),
      em.findOne(Invoice, { id: String(email.context.invoice_id), appId: email.appId }),
    ]);
    if (!replaced || !replacement) return { skip: 'the documents are gone' };
    const replacedNumber = fullDocumentNumber(replaced.series, replaced.number);
    const carrier = await this.replacements.handedOverCarrier(this.sql, replaced.orderId, replaced.id);
    if (!carrier) return { skip: `${replacedNumber} never reached the customer (the e-mail that carried it was not sent), so there is nothing to correct` };
    const order = await em.findOne(Order, { id: replacement.orderId, appId: email.appId });
    if (!order) return { skip: 'the order is gone' };
    const customer = order.customerId ? await em.findOne(Customer, { id: order.customerId, appId: email.appId }) : null;
    const to = carrier.toAddress ?? customer?.email ?? null;
    if (!to) return { skip: 'no recipient: the e-mail that carried the replaced document has no address' };
    const locale: Locale = customer?.locale === 'en' ? 'en' : 'es';
    return {
      to,
      locale,
      attachments: await invoiceAttachments(replacement, this.brand),
      model: {
        kind: 'invoice_replaced',
        locale,
        brand: this.brand,
        customerName: customer?.name ?? null,
        document: replacement.kind,
        replacedNumber,
        replacementNumber: fullDocumentNumber(replacement.series, replacement.number),
        total: replacement.total,
        currency: replacement.currency,
        issuedAt: replacement.createdAt,
        orderId: order.id,
        reference: order.reference,
      },
    };
  }
}
