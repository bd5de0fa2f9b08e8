import type { PaymentMethod } from './payment-method.entity';

export type PaymentMethodObject = ReturnType<typeof presentPaymentMethod>;

export function presentPaymentMethod(pm: PaymentMethod) {
  return {
    id: pm.id,
    object: 'payment_method' as const,
    customer_id: pm.customerId,
    gateways: (['culqi', 'mercadopago'] as const).filter((g) => pm.refs[g] !== undefined),
    brand: pm.brand,
    last4: pm.last4,
    exp_month: pm.expMonth,
    exp_year: pm.expYear,
    is_default: pm.isDefault,
    created_at: pm.createdAt.toISOString(),
  };
}
