/**
 * Culqi's published test cards (culqi.md §7, §10) and the BIN data the 2020 sandbox returned for them
 * (culqi-recordings/TokenTest.*). The card number alone decides the outcome, as at the real sandbox.
 */

export interface CulqiIssuer {
  name: string;
  country: string;
  country_code: string;
  website: null;
  phone_number: null;
}

export interface CulqiIinData {
  card_brand: string;
  card_type: string;
  card_category: string | null;
  issuer: CulqiIssuer;
  installments_allowed: number[];
}

const issuer = (name: string, country: string, countryCode: string): CulqiIssuer => ({ name, country, country_code: countryCode, website: null, phone_number: null });
const PERU_INSTALLMENTS = [2, 4, 6, 8, 10, 12, 3, 5, 7, 9, 24, 48];

/** BIN → iin data as recorded (issuer oddities such as Diners "Germany"/"PE" are kept on purpose). */
const KNOWN_BINS: Record<string, CulqiIinData> = {
  '411111': { card_brand: 'Visa', card_type: 'credito', card_category: 'Clásica', issuer: issuer('BBVA', 'PERU', 'PE'), installments_allowed: PERU_INSTALLMENTS },
  '511111': { card_brand: 'MasterCard', card_type: 'debito', card_category: 'Clásica', issuer: issuer('INTERBANK', 'PERU', 'PE'), installments_allowed: [24, 2, 3, 4, 5, 6, 7, 8, 9, 12, 48] },
  '371212': { card_brand: 'Amex', card_type: 'credito', card_category: null, issuer: issuer('AMERICAN EXPRESS COMPANY', 'UNITED STATES', 'US'), installments_allowed: [] },
  '360012': { card_brand: 'Diners', card_type: 'debito', card_category: null, issuer: issuer('BERLINER BANK AG', 'Germany', 'PE'), installments_allowed: [] },
  '400002': { card_brand: 'Visa', card_type: 'credito', card_category: 'Clásica', issuer: issuer('RIVER VALLEY C.U.', 'UNITED STATES', 'US'), installments_allowed: [] },
  '400003': { card_brand: 'Visa', card_type: 'credito', card_category: null, issuer: issuer('', 'UNITED STATES', 'US'), installments_allowed: [] },
  '400004': { card_brand: 'Visa', card_type: 'debito', card_category: null, issuer: issuer('', 'UNITED STATES', 'US'), installments_allowed: [] },
  '540000': { card_brand: 'MasterCard', card_type: 'credito', card_category: 'Oro', issuer: issuer('SAMBA FINANCIAL GROUP', 'SAUDI ARABIA', 'SA'), installments_allowed: [] },
  '540002': { card_brand: 'MasterCard', card_type: 'credito', card_category: null, issuer: issuer('BARCLAYS BANK PLC', 'UNITED KINGDOM', 'GB'), installments_allowed: [] },
  '370001': { card_brand: 'Amex', card_type: 'credito', card_category: null, issuer: issuer('AMERICAN EXPRESS COMPANY', 'INDIA', 'IN'), installments_allowed: [] },
  '370002': { card_brand: 'Amex', card_type: 'credito', card_category: null, issuer: issuer('AMERICAN EXPRESS COMPANY', 'BRAZIL', 'BR'), installments_allowed: [] },
  '360000': { card_brand: 'Diners', card_type: 'credito', card_category: null, issuer: issuer('', 'UNITED STATES', 'US'), installments_allowed: [] },
  '360001': { card_brand: 'Diners', card_type: 'credito', card_category: null, issuer: issuer('', 'NICARAGUA', 'NI'), installments_allowed: [] },
};

/** Brand by prefix for cards outside the recorded table (their issuer is unknown). */
function brandOf(cardNumber: string): string {
  if (cardNumber.startsWith('4')) return 'Visa';
  if (/^(5[1-5]|2[2-7])/.test(cardNumber)) return 'MasterCard';
  if (/^3[47]/.test(cardNumber)) return 'Amex';
  if (/^3(0[0-5]|[68])/.test(cardNumber)) return 'Diners';
  return 'Visa';
}

export function iinFor(cardNumber: string): CulqiIinData & { bin: string } {
  const bin = cardNumber.slice(0, 6);
  const known = KNOWN_BINS[bin];
  if (known) return { bin, ...structuredClone(known) };
  return { bin, card_brand: brandOf(cardNumber), card_type: 'credito', card_category: null, issuer: issuer('', 'PERU', 'PE'), installments_allowed: [] };
}

export type CulqiDeclineCode =
  | 'stolen_card'
  | 'lost_card'
  | 'insufficient_funds'
  | 'contact_issuer'
  | 'incorrect_cvv'
  | 'issuer_not_available'
  | 'issuer_decline_operation'
  | 'invalid_card'
  | 'processing_error'
  | 'fraudulent'
  | 'expired_card'
  | 'authentication_failed';

/** culqi.md §10.2: the decline each test card produces (on charges 402, on card creation 400). */
export const CULQI_DECLINE_CARDS: Record<string, CulqiDeclineCode> = {
  '4000020000000000': 'stolen_card',
  '4000030000000009': 'lost_card',
  '4000040000000008': 'insufficient_funds',
  '5400000000000005': 'contact_issuer',
  '5400020000000003': 'incorrect_cvv',
  '370001000000000': 'issuer_not_available',
  '370002000000008': 'issuer_decline_operation',
  '36000000000008': 'invalid_card',
  '36000100000007': 'processing_error',
  '36000200000006': 'fraudulent',
};

export type Culqi3dsBehaviour = 'authenticates' | 'fails';

/** culqi.md §7 "Sandbox triggers": with e-mail review@culqi.com these cards need 3-D Secure. */
export const CULQI_3DS_CARDS: Record<string, { behaviour: Culqi3dsBehaviour; note: string }> = {
  '4456530000001096': { behaviour: 'authenticates', note: 'authentication OK with challenge' },
  '4456530000001005': { behaviour: 'authenticates', note: 'authentication OK, frictionless' },
  '4456530000001070': { behaviour: 'fails', note: 'authentication fails, time-out' },
  '4456530000001013': { behaviour: 'fails', note: 'authentication fails, authentication error' },
};

/** `review@culqi.com`, and the `review<NN>@culqi.com` variants Culqi's own demos use. */
export function isReviewEmail(email: string | undefined): boolean {
  return email !== undefined && /^review\d*@culqi\.com$/i.test(email.trim());
}

/**
 * Messages of each decline. Recorded texts (culqi-recordings/ChargeTest.*) where they exist, including the
 * sandbox quirk that stolen_card carries the expired-card user message; the others are written alike.
 */
export const CULQI_DECLINE_MESSAGES: Record<CulqiDeclineCode, { merchant: string; user: string }> = {
  stolen_card: {
    merchant: 'Tarjeta robada. La tarjeta fue bloqueada y reportada al banco emisor como una tarjeta robada.',
    user: 'Su tarjeta está vencida. Verifica la fecha de vencimiento de tu tarjeta e ingrésalos correctamente. Si es denegada nuevamente, contáctate con el banco emisor de tu tarjeta.',
  },
  lost_card: {
    merchant: 'Tarjeta perdida. La tarjeta fue bloqueada y reportada al banco emisor como una tarjeta perdida.',
    user: 'La operación ha sido denegada por la entidad emisora de tu tarjeta. Contáctate con el banco para conocer el motivo de la denegación.',
  },
  insufficient_funds: {
    merchant: 'Fondos insuficientes. La tarjeta no tiene fondos suficientes para realizar la compra.',
    user: 'Su tarjeta no tiene fondos suficientes. Para realizar la compra, verifica tus fondos disponibles con el banco emisor o inténta nuevamente con otra tarjeta.',
  },
  contact_issuer: {
    merchant: 'Contactar emisor. La operación fue denegada por el banco emisor de la tarjeta y el cliente necesita contactarse con la entidad para conocer el motivo.',
    user: 'La operación ha sido denegada por la entidad emisora de tu tarjeta. Contáctate con el banco para conocer el motivo de la denegación o intenta nuevamente con otra tarjeta.',
  },
  incorrect_cvv: {
    merchant: 'CVV incorrecto. El código de seguridad (CVV2, CVC2, CID) de la tarjeta es incorrecto.',
    user: 'El código de seguridad (CVV) es incorrecto. Verifica tu tarjeta e ingresa los dígitos correctamente. Si es denegada nuevamente, contáctate con el banco emisor de tu tarjeta. ',
  },
  issuer_not_available: {
    merchant: 'Emisor no disponible. El banco que emitió la tarjeta no responde. El cliente debe realizar el pago nuevamente.',
    user: 'El banco emisor de tu tarjeta no responde y la operación no pudo ser completada. Vuelve a realizar el pago en unos minutos o intenta nuevamente con otra tarjeta.',
  },
  issuer_decline_operation: {
    merchant: 'Operación denegada. La operación fue denegada por el banco emisor de la tarjeta por una razón desconocida.',
    user: 'La operación ha sido denegada por la entidad emisora de tu tarjeta. Contáctate con el banco para conocer el motivo de la denegación o intenta nuevamente con otra tarjeta.',
  },
  invalid_card: {
    merchant: 'Tarjeta inválida. La tarjeta utilizada tiene restricciones para este tipo de compras. El cliente necesita contactarse con el banco emisor para conocer el motivo de la denegación.',
    user: 'La operación ha sido denegada por la entidad emisora de tu tarjeta. Contáctate con el banco para conocer el motivo de la denegación o intenta nuevamente con otra tarjeta.',
  },
  processing_error: {
    merchant: 'Error de procesamiento. Ocurrió un error mientras procesabamos la compra. Contáctate con culqi.com/soporte para que te demos una solución.',
    user: 'Ocurrió un error mientras procesabamos tu compra. Contáctate con culqi.com/soporte para que te demos una solución.',
  },
  fraudulent: {
    merchant: 'Operación fraudulenta. El banco emisor sospecha que la operación es fraudulenta.',
    user: 'La operación ha sido denegada por la entidad emisora de tu tarjeta. Contáctate con el banco para conocer el motivo de la denegación o intenta nuevamente con otra tarjeta.',
  },
  expired_card: {
    merchant: 'Tarjeta vencida. La fecha de vencimiento de la tarjeta ya pasó o es incorrecta.',
    user: 'Su tarjeta está vencida. Verifica la fecha de vencimiento de tu tarjeta e ingrésalos correctamente. Si es denegada nuevamente, contáctate con el banco emisor de tu tarjeta.',
  },
  authentication_failed: {
    merchant: 'Autenticación 3DS fallida. El emisor no autenticó al tarjetahabiente; la operación fue denegada.',
    user: 'No pudimos autenticar tu tarjeta. Intenta nuevamente o utiliza otra tarjeta.',
  },
};
