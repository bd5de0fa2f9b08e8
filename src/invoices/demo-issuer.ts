import type { IssuerConfig } from '../config/invoice-issuers.schema';

/** The issuer sandbox mode invoices with when SUNAT_ISSUERS is unset (SUNAT's own beta test RUC). */
export const DEMO_ISSUER: IssuerConfig = {
  app: '*',
  enabled: true,
  ruc: '20000000001',
  legal_name: 'SMARTPAY DEMO S.A.C.',
  trade_name: 'SmartPay Demo',
  address: { line: 'AV. JAVIER PRADO ESTE 123', district: 'SAN ISIDRO', province: 'LIMA', department: 'LIMA', ubigeo: '150131', establishment_code: '0000' },
  series: { factura: 'F001', boleta: 'B001', credit_note_factura: 'FC01', credit_note_boleta: 'BC01' },
  certificate: { pem_file: '(generated)' },
  sol_user: 'MODDATOS',
  sol_password: 'moddatos',
  boletas: 'each',
};
