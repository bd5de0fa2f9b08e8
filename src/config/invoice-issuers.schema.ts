import { z } from 'zod';
import { documentProblem } from '../customers/peru-documents';

/**
 * SUNAT_ISSUERS: who issues the invoices of which app, as a JSON array (or SUNAT_ISSUERS_FILE: the same JSON in a
 * file, for secrets kept out of the environment). Strict objects, so a misspelt field stops the start with its
 * path instead of being ignored. The certificate is only named here; it is loaded and checked (password, key
 * match, expiry) when the invoices module starts (issuer-registry.ts).
 */
const seriesOf = (letter: 'F' | 'B') =>
  z.string().regex(new RegExp(`^${letter}[A-Z0-9]{3}$`), `must be 4 characters starting with ${letter} (e.g. ${letter}001)`);

const issuerSchema = z.strictObject({
  /** The app this issuer invoices for, or `*` for every app without its own entry. */
  app: z.string().regex(/^(\*|app_[0-9A-Za-z]+)$/, 'must be an app id (app_…) or *'),
  enabled: z.boolean().default(true),
  ruc: z.string().refine((v) => documentProblem('RUC', v) === null, { message: 'must be a valid RUC (11 digits, right check digit)' }),
  legal_name: z.string().trim().min(1).max(200),
  trade_name: z.string().trim().min(1).max(200).optional(),
  address: z.strictObject({
    line: z.string().trim().min(1).max(200),
    district: z.string().trim().min(1).max(100),
    province: z.string().trim().min(1).max(100),
    department: z.string().trim().min(1).max(100),
    ubigeo: z.string().regex(/^\d{6}$/, 'must be the 6-digit INEI ubigeo (150101 = Lima)'),
    establishment_code: z.string().regex(/^\d{4}$/, 'must be 4 digits (0000 = main address)').default('0000'),
  }),
  series: z
    .strictObject({
      factura: seriesOf('F').default('F001'),
      boleta: seriesOf('B').default('B001'),
      credit_note_factura: seriesOf('F').default('FC01'),
      credit_note_boleta: seriesOf('B').default('BC01'),
    })
    .default({ factura: 'F001', boleta: 'B001', credit_note_factura: 'FC01', credit_note_boleta: 'BC01' }),
  certificate: z
    .strictObject({
      /** PKCS#12 (.pfx/.p12) with the key and the certificate. */
      pfx_file: z.string().min(1).optional(),
      /** PEM with the private key and the certificate (one file). */
      pem_file: z.string().min(1).optional(),
      password: z.string().optional(),
      password_file: z.string().min(1).optional(),
    })
    .refine((c) => (c.pfx_file === undefined) !== (c.pem_file === undefined), { message: 'needs exactly one of pfx_file or pem_file' }),
  /** SOL user of the RUC (SUNAT) or the OSE's user; the WS-Security username is RUC + user. */
  sol_user: z.string().trim().min(1).max(50),
  sol_password: z.string().min(1).optional(),
  sol_password_file: z.string().min(1).optional(),
  /**
   * How boletas and their credit notes reach SUNAT: `each` with sendBill as they are issued (like facturas), or
   * `daily_summary` in the resumen diario (RC) of their day, sent with sendSummary the day after.
   */
  boletas: z.enum(['each', 'daily_summary']).default('each'),
  /** The billService URL of SUNAT or of an OSE speaking the same contract; default SUNAT_BILL_SERVICE_URL. */
  bill_service_url: z.url({ protocol: /^https?$/ }).optional(),
});

export type IssuerConfig = z.infer<typeof issuerSchema>;

export const invoiceIssuersSchema = z
  .array(issuerSchema)
  .min(1, 'must list at least one issuer')
  .max(100)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((issuer, i) => {
      if (seen.has(issuer.app)) ctx.addIssue({ code: 'custom', path: [i, 'app'], message: `${issuer.app} has two issuers` });
      seen.add(issuer.app);
      if (issuer.sol_password === undefined && issuer.sol_password_file === undefined) {
        ctx.addIssue({ code: 'custom', path: [i], message: 'needs sol_password or sol_password_file' });
      }
    });
  });

/** JSON text → validated issuers; each problem names its issuer and field. */
export const invoiceIssuersJson = z.string().transform((text, ctx) => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `is not valid JSON (${(err as Error).message})` });
    return z.NEVER;
  }
  const parsed = invoiceIssuersSchema.safeParse(json);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [first, ...rest] = issue.path.map(String);
      const where = first === undefined ? '' : `issuer ${/^\d+$/.test(first) ? Number(first) + 1 : first}${rest.length ? `: ${rest.join('.')}` : ''}: `;
      ctx.addIssue({ code: 'custom', message: `${where}${issue.message}` });
    }
    return z.NEVER;
  }
  return parsed.data;
});
