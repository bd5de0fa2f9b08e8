import { z } from 'zod';
import { cursorSchema, limitSchema, metadataSchema } from '../common/validation/common-schemas';
import { DOCUMENT_TYPES, documentProblem } from './peru-documents';

export const customerDocumentSchema = z
  .object({
    type: z.enum(DOCUMENT_TYPES),
    number: z.string().trim().min(1).max(20),
  })
  .strict()
  .superRefine((doc, ctx) => {
    const problem = documentProblem(doc.type, doc.number);
    if (problem) ctx.addIssue({ code: 'custom', path: ['number'], message: problem });
  })
  .describe('DNI: 8 digits · RUC: 11 digits, prefix 10/15/16/17/20, mod-11 check digit · CE, PASSPORT: 4–12 letters/digits');

const billingSchema = z
  .object({
    invoice_type: z.enum(['boleta', 'factura']).optional(),
    business_name: z.string().trim().min(1).max(200).nullable().optional(),
    address: z.string().trim().min(1).max(300).nullable().optional(),
    invoice_email: z.email().max(254).nullable().optional(),
  })
  .strict();

const localeSchema = z.enum(['es', 'en']).describe('Language of the e-mails the customer gets (receipts, notices); default es');

const phoneSchema = z
  .string()
  .regex(/^\+?[0-9]{6,15}$/, 'digits with an optional leading +, 6 to 15 digits');

export const createCustomerSchema = z
  .object({
    email: z.email().max(254),
    name: z.string().trim().min(1).max(200).optional(),
    phone: phoneSchema.optional(),
    document: customerDocumentSchema.optional(),
    billing: billingSchema.optional(),
    locale: localeSchema.optional(),
    metadata: metadataSchema.optional(),
  })
  .strict();
export type CreateCustomerInput = z.infer<typeof createCustomerSchema>;

export const updateCustomerSchema = z
  .object({
    email: z.email().max(254).optional(),
    name: z.string().trim().min(1).max(200).nullable().optional(),
    phone: phoneSchema.nullable().optional(),
    document: customerDocumentSchema.nullable().optional(),
    billing: billingSchema.optional(),
    locale: localeSchema.optional(),
    metadata: metadataSchema.optional(),
  })
  .strict();
export type UpdateCustomerInput = z.infer<typeof updateCustomerSchema>;

export const listCustomersSchema = z
  .object({ email: z.string().max(254).optional(), limit: limitSchema, cursor: cursorSchema.optional() })
  .strict();
export type ListCustomersQuery = z.infer<typeof listCustomersSchema>;

export const listCustomerOrdersSchema = z.object({ limit: limitSchema, cursor: cursorSchema.optional() }).strict();

export const customerObjectSchema = z.object({
  id: z.string().describe('cus_…'),
  object: z.literal('customer'),
  email: z.string(),
  name: z.string().nullable(),
  phone: z.string().nullable(),
  document: z.object({ type: z.enum(DOCUMENT_TYPES), number: z.string() }).nullable(),
  billing: z.object({
    invoice_type: z.enum(['boleta', 'factura']),
    business_name: z.string().nullable(),
    address: z.string().nullable(),
    invoice_email: z.string().nullable(),
  }),
  locale: z.enum(['es', 'en']),
  metadata: z.record(z.string(), z.string()),
  created_at: z.string(),
  updated_at: z.string(),
});
