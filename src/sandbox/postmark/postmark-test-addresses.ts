import { domainOf, localPart } from './postmark-addresses';
import { failure, PM_ERRORS, type PmFailure } from './postmark-errors';

/**
 * Recognisable test data, like the gateway simulators' test cards: the address alone decides what happens.
 * Sender domains (From):
 *   `…@unknown-sender.test`      → 422 ErrorCode 400 (sender signature not found)
 *   `…@unconfirmed-sender.test`  → 422 ErrorCode 401 (sender signature not confirmed)
 *   any other domain             → a confirmed sender signature
 * Recipients (local part, case-insensitive):
 *   `inactive`, `inactive+…`     → inactive from the start: 422 ErrorCode 406
 *   `hardbounce…`                → accepted, then Bounce (HardBounce, Inactive) and the address turns inactive
 *   `softbounce…`                → accepted, then Bounce (SoftBounce, still active)
 *   `spam…`                      → accepted, Delivery, then SpamComplaint and the address turns inactive
 *   anything else                → accepted, then Delivery
 */
export const UNKNOWN_SENDER_DOMAIN = 'unknown-sender.test';
export const UNCONFIRMED_SENDER_DOMAIN = 'unconfirmed-sender.test';

export type RecipientFate = 'delivered' | 'hard_bounce' | 'soft_bounce' | 'spam_complaint';

/** Wording is the simulator's own; only the ErrorCode is Postmark's (postmark.md A1). */
export function senderProblem(fromEmail: string): PmFailure | null {
  const domain = domainOf(fromEmail);
  if (domain === UNKNOWN_SENDER_DOMAIN) {
    return failure(
      PM_ERRORS.senderSignatureNotFound,
      `The 'From' address you supplied (${fromEmail}) is not a Sender Signature on your account. Please add and confirm this address in order to be able to use it in the 'From' field of your messages.`,
    );
  }
  if (domain === UNCONFIRMED_SENDER_DOMAIN) {
    return failure(
      PM_ERRORS.senderSignatureNotConfirmed,
      `The 'From' address you supplied (${fromEmail}) has not been confirmed yet. Please confirm the Sender Signature before sending from it.`,
    );
  }
  return null;
}

export function inactiveByName(email: string): boolean {
  const local = localPart(email);
  return local === 'inactive' || local.startsWith('inactive+');
}

export function fateOf(email: string): RecipientFate {
  const local = localPart(email);
  if (local.startsWith('hardbounce')) return 'hard_bounce';
  if (local.startsWith('softbounce')) return 'soft_bounce';
  if (local.startsWith('spam')) return 'spam_complaint';
  return 'delivered';
}

/**
 * The 406 text the official client parses into `InactiveRecipientsError.recipients`
 * (`/Found inactive addresses: (.+?)\.? Inactive/`, postmark@5.1.0 dist/client/errors/Errors.js). Addresses
 * are listed in lower case, as the suppression list keeps them: an address starting with "Inactive" would
 * otherwise end the client's lazy match early.
 */
export function inactiveRecipients(addresses: string[]): PmFailure {
  const listed = [...new Set(addresses.map((a) => a.toLowerCase()))];
  return failure(
    PM_ERRORS.inactiveRecipient,
    `You tried to send to recipient(s) that have been marked as inactive. Found inactive addresses: ${listed.join(', ')}. Inactive recipients are ones that have generated a hard bounce, a spam complaint, or a manual suppression.`,
  );
}
