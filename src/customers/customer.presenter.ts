import type { Customer } from './customer.entity';

export type CustomerObject = ReturnType<typeof presentCustomer>;

/** The public Customer object. */
export function presentCustomer(c: Customer) {
  return {
    id: c.id,
    object: 'customer' as const,
    email: c.email,
    name: c.name,
    phone: c.phone,
    document: c.documentType && c.documentNumber ? { type: c.documentType, number: c.documentNumber } : null,
    billing: c.billing,
    locale: c.locale,
    metadata: c.metadata,
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
  };
}
