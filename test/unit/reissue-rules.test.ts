import { describe, expect, it } from 'vitest';
import type { Invoice, InvoiceStatus } from '../../src/invoices/invoice.entity';
import { issueAttempt, reissueRefusal, replacementAttempt, replacementIssueKey } from '../../src/invoices/reissue-rules';

/** Only the fields the rules read. */
function doc(status: InvoiceStatus, issueKey = 'sale:ord_1:1'): Invoice {
  return { id: 'inv_1', series: 'B001', number: 7, status, issueKey } as Invoice;
}

describe('reissue rules', () => {
  it('the replacement of a document is the next attempt of what it documents, whoever issues it', () => {
    expect(issueAttempt(doc('rejected'))).toBe(1);
    expect(replacementAttempt(doc('rejected'))).toBe(2);
    expect(replacementIssueKey(doc('rejected'))).toBe('sale:ord_1:2');
    expect(replacementIssueKey(doc('rejected', 'refund:re_9:3'))).toBe('refund:re_9:4');
  });

  it('allows only a rejected document that nothing replaces yet, and says why otherwise', () => {
    expect(reissueRefusal(doc('rejected'), null)).toBeNull();
    expect(reissueRefusal(doc('rejected'), { id: 'inv_2', series: 'B001', number: 8 })).toBe('B001-00000007 was already replaced by B001-00000008 (inv_2)');
    expect(reissueRefusal(doc('accepted'), null)).toMatch(/^B001-00000007 is accepted: SUNAT took it/);
    expect(reissueRefusal(doc('accepted_with_observations'), null)).toMatch(/is accepted_with_observations/);
    expect(reissueRefusal(doc('issued'), null)).toMatch(/has not answered yet/);
    expect(reissueRefusal(doc('error'), null)).toMatch(/never answered for it, so it is not rejected/);
  });
});
