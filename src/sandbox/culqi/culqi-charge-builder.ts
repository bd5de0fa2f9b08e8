import { randomAlnum } from '../random-values';
import { culqiId, type CulqiContext } from './culqi-context';
import type { CulqiCharge, CulqiOutcome, Metadata } from './culqi-objects';
import { CULQI_DECLINE_MESSAGES, type CulqiDeclineCode } from './culqi-test-cards';

/** Recorded commission: 3.99 % plus 18 % IGV on it (1000 → fee 40 + tax 7 = 47, transfer 953). */
const COMMISSION = 0.0399;
const IGV = 0.18;

export interface ChargeInput {
  amount: number;
  currencyCode: string;
  email: string;
  description: string | null;
  installments: number;
  capture: boolean;
  metadata: Metadata;
  antifraud: Record<string, unknown> | undefined;
  source: Record<string, unknown>;
  /** Card-validation charges made by POST /v2/cards (recorded as "Validacion de tarjeta"). */
  validation?: boolean;
}

const APPROVED_OUTCOME: CulqiOutcome = {
  type: 'venta_exitosa',
  code: 'AUT0000',
  merchant_message: 'La operación de venta ha sido autorizada exitosamente',
  user_message: 'Su compra ha sido exitosa.',
};

function antifraudDetails(input: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!input) return undefined;
  const { phone_number: phone, ...rest } = input;
  return { ...rest, phone: phone ?? null, object: 'client' };
}

export function approvedCharge(ctx: CulqiContext, input: ChargeInput): CulqiCharge {
  const now = ctx.now();
  const installments = Math.max(1, input.installments);
  const variable = Math.round(input.amount * COMMISSION);
  const taxes = Math.round(variable * IGV);
  return {
    duplicated: false,
    object: 'charge',
    id: culqiId('chr'),
    creation_date: now,
    amount: input.amount,
    amount_refunded: 0,
    current_amount: input.amount,
    installments,
    installments_amount: Math.round(input.amount / installments),
    currency_code: input.currencyCode,
    email: input.email,
    description: input.description,
    source: input.source,
    outcome: { ...APPROVED_OUTCOME },
    fraud_score: 6,
    ...(input.antifraud ? { antifraud_details: antifraudDetails(input.antifraud) } : {}),
    dispute: false,
    capture: input.capture,
    reference_code: randomAlnum(10),
    authorization_code: randomAlnum(6),
    metadata: input.metadata,
    total_fee: variable + taxes,
    fee_details: { fixed_fee: {}, variable_fee: { currency_code: input.currencyCode, commision: COMMISSION, total: variable } },
    total_fee_taxes: taxes,
    transfer_amount: input.amount - variable - taxes,
    paid: false,
    statement_descriptor: 'CULQI*',
    transfer_id: null,
    operations: [],
    capture_date: input.capture ? now : null,
  };
}

/** A denied charge: kept and listed (the recorded list holds one), with the card_error as its outcome. */
export function declinedCharge(ctx: CulqiContext, input: ChargeInput, declineCode: CulqiDeclineCode): CulqiCharge {
  const messages = CULQI_DECLINE_MESSAGES[declineCode];
  return {
    duplicated: false,
    object: 'charge',
    id: culqiId('chr'),
    creation_date: ctx.now(),
    amount: input.amount,
    amount_refunded: 0,
    current_amount: input.amount,
    installments: input.installments,
    installments_amount: null,
    currency_code: input.currencyCode,
    email: input.validation ? null : input.email,
    description: input.validation ? 'Validacion de tarjeta' : input.description,
    source: input.source,
    outcome: { type: 'card_error', code: 'card_declined', decline_code: declineCode, merchant_message: messages.merchant, user_message: messages.user },
    fraud_score: 20,
    ...(input.antifraud ? { antifraud_details: antifraudDetails(input.antifraud) } : {}),
    dispute: false,
    capture: null,
    reference_code: randomAlnum(10),
    authorization_code: null,
    metadata: input.metadata,
    total_fee: null,
    fee_details: { fixed_fee: null, variable_fee: null },
    total_fee_taxes: null,
    transfer_amount: null,
    paid: false,
    statement_descriptor: null,
    transfer_id: null,
    operations: [],
    capture_date: null,
  };
}

export function isDeclined(charge: CulqiCharge): boolean {
  return charge.outcome.type !== 'venta_exitosa';
}

/** The creation answer: as recorded, without the `operations` list that GET and capture add. */
export function creationView(charge: CulqiCharge): Record<string, unknown> {
  const { operations: _operations, ...rest } = charge;
  return structuredClone(rest);
}
