import { randomDigits } from '../random-values';
import type { MpContext } from './mp-context';
import type { PaymentRecord, TokenRecord } from './mp-objects';
import type { MpOutcome, MpPaymentMethod } from './mp-test-cards';
import { centsToDecimal, mpDate } from './mp-values';

/** Mercado Pago's fee on an approved card payment (account-specific in reality; 3.99 % + IGV here). */
const FEE_RATE = 0.0399 * 1.18;

export interface PaymentInput {
  amountCents: number;
  description: string | null;
  installments: number;
  method: MpPaymentMethod;
  issuerId: string;
  payer: Record<string, unknown>;
  externalReference: string | null;
  notificationUrl: string | null;
  metadata: Record<string, unknown>;
  statementDescriptor: string | null;
  capture: boolean;
  binaryMode: boolean;
  token: TokenRecord;
}

/** A new payment in its first state; `applyOutcome` then sets status, dates, fees and capture. */
export function buildPayment(ctx: MpContext, input: PaymentInput): PaymentRecord {
  const now = ctx.now();
  const token = input.token.token;
  const payer = input.payer;
  const identification = (payer.identification as Record<string, unknown> | undefined) ?? {};
  const amount = centsToDecimal(input.amountCents);
  return {
    json: {
      id: ctx.store.nextPaymentId(),
      date_created: mpDate(now),
      date_approved: null,
      date_last_updated: mpDate(now),
      date_of_expiration: null,
      money_release_date: null,
      money_release_status: null,
      operation_type: 'regular_payment',
      issuer_id: input.issuerId,
      payment_method_id: input.method.id,
      payment_type_id: input.method.payment_type_id,
      payment_method: { id: input.method.id, type: input.method.payment_type_id, issuer_id: input.issuerId },
      status: 'pending',
      status_detail: 'pending_waiting_payment',
      currency_id: 'PEN',
      description: input.description,
      live_mode: false,
      sponsor_id: null,
      authorization_code: null,
      money_release_schema: null,
      taxes_amount: 0,
      counter_currency: null,
      brand_id: null,
      shipping_amount: 0,
      build_version: 'sandbox',
      pos_id: null,
      store_id: null,
      integrator_id: null,
      platform_id: null,
      corporation_id: null,
      collector_id: ctx.userId,
      payer: {
        id: payer.id ?? null,
        type: payer.type ?? null,
        email: payer.email ?? null,
        identification: { type: identification.type ?? null, number: identification.number ?? null },
        first_name: payer.first_name ?? null,
        last_name: payer.last_name ?? null,
        phone: payer.phone ?? { area_code: null, number: null, extension: null },
        entity_type: null,
        operator_id: null,
      },
      marketplace_owner: null,
      metadata: input.metadata,
      additional_info: {},
      order: {},
      external_reference: input.externalReference,
      transaction_amount: amount,
      transaction_amount_refunded: 0,
      coupon_amount: 0,
      differential_pricing_id: null,
      deduction_schema: null,
      installments: input.installments,
      transaction_details: {
        payment_method_reference_id: null,
        acquirer_reference: null,
        net_received_amount: 0,
        total_paid_amount: amount,
        overpaid_amount: 0,
        external_resource_url: null,
        installment_amount: centsToDecimal(Math.round(input.amountCents / input.installments)),
        financial_institution: null,
        payable_deferral_period: null,
      },
      fee_details: [],
      charges_details: [],
      captured: false,
      binary_mode: input.binaryMode,
      call_for_authorize_id: null,
      statement_descriptor: input.statementDescriptor,
      card: {
        id: token.card_id,
        first_six_digits: token.first_six_digits,
        last_four_digits: token.last_four_digits,
        expiration_month: token.expiration_month,
        expiration_year: token.expiration_year,
        date_created: token.date_created,
        date_last_updated: token.date_last_updated,
        cardholder: structuredClone(token.cardholder),
      },
      notification_url: input.notificationUrl,
      refunds: [],
      processing_mode: 'aggregator',
      merchant_account_id: null,
      merchant_number: null,
      acquirer_reconciliation: [],
      point_of_interaction: { type: 'UNSPECIFIED', business_info: { unit: 'online_payments', sub_unit: 'default' } },
      callback_url: null,
    },
    amountCents: input.amountCents,
    refundedCents: 0,
    cardNumber: input.token.cardNumber,
    cardholderName: token.cardholder.name,
    createdAt: now,
    refunds: [],
  };
}

/** Sets a status pair and what follows from it (approval date, capture, fees, refunds total). */
export function applyOutcome(ctx: MpContext, record: PaymentRecord, outcome: MpOutcome): void {
  const json = record.json;
  const now = ctx.now();
  json.status = outcome.status;
  json.status_detail = outcome.status_detail;
  json.date_last_updated = mpDate(now);
  if (outcome.status === 'approved' || outcome.status === 'authorized') {
    json.authorization_code ??= randomDigits(6);
  }
  if (outcome.status === 'approved' && json.date_approved === null) {
    json.date_approved = mpDate(now);
    json.money_release_date = mpDate(now + 14 * 86_400_000);
    json.money_release_status = 'pending';
    json.captured = true;
    const fee = Math.round(record.amountCents * FEE_RATE);
    json.fee_details = [{ type: 'mercadopago_fee', amount: centsToDecimal(fee), fee_payer: 'collector' }];
    (json.transaction_details as Record<string, unknown>).net_received_amount = centsToDecimal(record.amountCents - fee);
  }
  json.transaction_amount = centsToDecimal(record.amountCents);
  json.transaction_amount_refunded = centsToDecimal(record.refundedCents);
  json.refunds = structuredClone(record.refunds);
}
