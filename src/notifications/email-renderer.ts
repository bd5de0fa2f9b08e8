import { Injectable } from '@nestjs/common';
import mjml2html from 'mjml';
import { alertEmail } from './templates/alert.mjml';
import { creditsLowBalanceEmail } from './templates/credits-low-balance.mjml';
import { creditsRenewalFailedEmail } from './templates/credits-renewal-failed.mjml';
import type { EmailDraft } from './templates/email-layout';
import type { EmailModel, RenderedEmail } from './templates/email-models';
import { invoiceReplacedEmail } from './templates/invoice-replaced.mjml';
import { paymentFailedEmail } from './templates/payment-failed.mjml';
import { receiptEmail } from './templates/receipt.mjml';
import { refundEmail } from './templates/refund.mjml';
import { summaryEmail } from './templates/summary.mjml';

/** Thrown when a template produced MJML that does not validate: a bug in the template, never in the data. */
export class EmailTemplateError extends Error {
  constructor(
    readonly kind: EmailModel['kind'],
    readonly details: readonly string[],
  ) {
    super(`e-mail template "${kind}" produced invalid MJML: ${details.join('; ')}`);
    this.name = 'EmailTemplateError';
  }
}

/**
 * Typed model in, `{ subject, html, text }` out; pure (no I/O, no clock), so the sender can render inside a
 * job and tests can render without a server. The HTML comes from MJML (responsive tables that mail clients
 * understand); the text part is written by each template from the same model.
 */
@Injectable()
export class EmailRenderer {
  async render(model: EmailModel): Promise<RenderedEmail> {
    const draft = this.draft(model);
    const html = await this.compile(model.kind, draft.mjml.source);
    return { subject: draft.subject, html, text: draft.text };
  }

  private draft(model: EmailModel): EmailDraft {
    switch (model.kind) {
      case 'receipt':
        return receiptEmail(model);
      case 'payment_failed':
        return paymentFailedEmail(model);
      case 'refund':
        return refundEmail(model);
      case 'credits_low_balance':
        return creditsLowBalanceEmail(model);
      case 'credits_renewal_failed':
        return creditsRenewalFailedEmail(model);
      case 'alert':
        return alertEmail(model);
      case 'summary':
        return summaryEmail(model);
      case 'invoice_replaced':
        return invoiceReplacedEmail(model);
    }
  }

  private async compile(kind: EmailModel['kind'], source: string): Promise<string> {
    let result: Awaited<ReturnType<typeof mjml2html>>;
    try {
      // strict: invalid MJML is an error, not a half-rendered e-mail. fonts {}: no web-font <link>, so the
      // HTML never makes a mail client fetch anything. ignoreIncludes: templates never read files.
      result = await mjml2html(source, { validationLevel: 'strict', minify: false, beautify: false, keepComments: false, fonts: {}, ignoreIncludes: true });
    } catch (error) {
      const errors = (error as { errors?: { formattedMessage?: string; message?: string }[] }).errors;
      if (Array.isArray(errors)) throw new EmailTemplateError(kind, errors.map((e) => e.formattedMessage ?? e.message ?? 'unknown MJML error'));
      throw error;
    }
    if (result.errors.length > 0) throw new EmailTemplateError(kind, result.errors.map((e) => e.formattedMessage));
    return result.html;
  }
}
