/**
 * The SUNAT codes the simulator answers with (sunat.md B1/B2: 0100–1999 exceptions, 2000–3999 rejections, ≥ 4000
 * observations). Messages are in Spanish, as SUNAT writes them; where the exact SUNAT wording or the code for a
 * case could not be confirmed the simulator's choice is marked in sunat-simulator.ts's table.
 */
export const SUNAT_MESSAGES: Record<string, string> = {
  '0100': 'El sistema no puede responder su solicitud. Intente nuevamente o comuníquese con su Administrador',
  '0101': 'El encabezado de seguridad es incorrecto',
  '0102': 'Usuario o contraseña incorrectos',
  '0109': 'El sistema no puede responder su solicitud. (El servicio de autenticación no está disponible)',
  '0126': 'El ticket no le pertenece al usuario',
  '0127': 'El ticket no existe',
  '0130': 'El sistema no puede responder su solicitud. (No se pudo obtener el ticket de proceso)',
  '0151': 'El nombre del archivo ZIP es incorrecto',
  '0152': 'No se puede enviar por este método un archivo de resumen',
  '0154': 'El RUC del archivo no corresponde al RUC del usuario',
  '0155': 'El archivo ZIP esta vacio',
  '0156': 'El archivo ZIP esta corrupto',
  '0157': 'El archivo ZIP no contiene comprobantes',
  '0158': 'El archivo ZIP contiene demasiados comprobantes para este tipo de envío',
  '0159': 'El nombre del archivo XML es incorrecto',
  '0160': 'El archivo XML esta vacio',
  '0161': 'El nombre del archivo XML no coincide con el nombre del archivo ZIP',
  '0306': 'No se puede leer (parsear) el archivo XML',
  '1001': 'ID - El dato SERIE-CORRELATIVO no cumple con el formato de acuerdo al tipo de comprobante',
  '1003': 'InvoiceTypeCode - El valor del tipo de documento es invalido o no coincide con el nombre del archivo',
  '1033': 'El comprobante fue registrado previamente con otros datos',
  '1034': 'Número de RUC del nombre del archivo no coincide con el consignado en el contenido del archivo XML',
  '1049': 'ID - Serie y Número del archivo no coincide con el consignado en el contenido del XML',
  '2122': 'El importe total del comprobante (PayableAmount) no coincide con el valor de venta más los tributos',
  '2334': 'El documento electrónico ingresado ha sido alterado',
  '2401': 'El XML no cumple con el esquema UBL 2.1',
  '2800': 'El dato ingresado en el tipo de documento de identidad del receptor no esta permitido',
  '4287': 'El precio unitario ingresado no coincide con el valor calculado',
  '4288': 'El valor de venta del ítem difiere de la cantidad por el valor unitario',
  '4309': 'La sumatoria de valores de venta de los ítems difiere del total valor de venta',
  '4310': 'La sumatoria del IGV de los ítems difiere del IGV total',
};

export function messageOf(code: string): string {
  return SUNAT_MESSAGES[code] ?? `Respuesta forzada por el simulador (código ${code})`;
}

export type CodeClass = 'accepted' | 'exception' | 'rejection' | 'observation';

/** Which kind of answer a code is; null for codes SUNAT never answers (1–99, above 9999, not numeric). */
export function classOf(code: string): CodeClass | null {
  if (!/^\d{1,4}$/.test(code)) return null;
  const n = Number(code);
  if (n === 0) return 'accepted';
  if (n >= 100 && n <= 1999) return 'exception';
  if (n >= 2000 && n <= 3999) return 'rejection';
  if (n >= 4000) return 'observation';
  return null;
}

/** Four digits, as SUNAT writes codes in faults and CDR notes (`0102`, `4309`); 0 stays `0`. */
export function normaliseCode(code: string): string {
  return code === '0' || /^0+$/.test(code) ? '0' : code.padStart(4, '0');
}

/** Exception codes that mean "SUNAT itself failed" (a `soap-env:Server` fault); the rest blame the request. */
const SERVER_SIDE = new Set(['0100', '0109', '0110', '0125', '0130', '0131', '0132', '0133', '0134', '0135', '0136', '0137', '0138', '0200']);

/**
 * An exception: SUNAT answers it as a SOAP fault and records nothing, so the sender must send the same document
 * again (sunat.md B1). Thrown by the checks, turned into the fault envelope by the simulator.
 */
export class SunatFault extends Error {
  readonly side: 'Client' | 'Server';

  constructor(
    readonly code: string,
    detail?: string,
  ) {
    super(detail ? `${messageOf(code)} - Detalle: ${detail}` : messageOf(code));
    this.side = SERVER_SIDE.has(code) ? 'Server' : 'Client';
  }
}

export interface SunatObservation {
  code: string;
  description: string;
}
