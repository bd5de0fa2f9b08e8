// Values the API defines (api.md); labels come from the dictionaries.

export const ORDER_STATUSES = ['pending', 'processing', 'requires_action', 'paid', 'partially_refunded', 'refunded', 'disputed', 'canceled', 'expired'] as const;
/** The gateways the reports accept as `gateway=` (reports.schemas.ts). */
export const GATEWAYS = ['culqi', 'mercadopago'] as const;
export const CURRENCIES = ['PEN', 'USD'] as const;
export const REFUND_REASONS = ['requested_by_customer', 'duplicate', 'fraudulent'] as const;
