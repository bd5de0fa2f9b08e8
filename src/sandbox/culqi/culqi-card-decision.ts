import { isExpired } from '../card-numbers';
import { asRecord } from '../json-input';
import { CULQI_3DS_CARDS, CULQI_DECLINE_CARDS, isReviewEmail, type CulqiDeclineCode } from './culqi-test-cards';

export type CardDecision =
  | { kind: 'approved' }
  | { kind: 'review' }
  | { kind: 'declined'; code: CulqiDeclineCode }
  | { kind: 'invalid_3ds'; message: string };

export interface CardFacts {
  cardNumber: string;
  expMonth: number;
  expYear: number;
}

const AUTH_FIELDS = ['eci', 'xid', 'cavv', 'protocolVersion', 'directoryServerTransactionId'] as const;

/**
 * What Culqi's antifraud and the issuer decide for one card (charge or card validation):
 * - a 3-D Secure test card with a review e-mail and no `authentication_3DS` → REVIEW (nothing charged);
 * - with well-formed `authentication_3DS`: 1096/1005 go on, 1070/1013 are declined `authentication_failed`;
 * - an expiry date in the past → `expired_card` (Culqi documents no test card for it);
 * - a decline test card → its decline code; anything else → approved.
 */
export function decideCard(card: CardFacts, emails: (string | undefined)[], authentication: unknown, nowMs: number): CardDecision {
  const threeDs = CULQI_3DS_CARDS[card.cardNumber];
  if (threeDs && emails.some(isReviewEmail)) {
    if (authentication === undefined || authentication === null) return { kind: 'review' };
    const auth = asRecord(authentication);
    const malformed = AUTH_FIELDS.filter((field) => typeof auth?.[field] !== 'string' || (field !== 'xid' && auth[field].trim() === ''));
    if (malformed.length) {
      return { kind: 'invalid_3ds', message: `El campo 'authentication_3DS' es inválido: revisa ${malformed.join(', ')}.` };
    }
    if (threeDs.behaviour === 'fails') return { kind: 'declined', code: 'authentication_failed' };
  }
  if (isExpired(card.expMonth, card.expYear, nowMs)) return { kind: 'declined', code: 'expired_card' };
  const decline = CULQI_DECLINE_CARDS[card.cardNumber];
  return decline ? { kind: 'declined', code: decline } : { kind: 'approved' };
}

/** The 200 answer that asks for 3-D Secure (culqi.md §7; exact body unconfirmed beyond action_code). */
export const REVIEW_BODY = {
  action_code: 'REVIEW',
  user_message: 'El usuario necesita autenticarse',
  merchant_message: 'La operación requiere autenticación 3DS. Inicia Culqi3DS y vuelve a enviar el cargo con authentication_3DS.',
};
