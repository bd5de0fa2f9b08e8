import type { Currency } from '../common/money';

/**
 * The legend of a SUNAT receipt (`cbc:Note languageLocaleID="1000"`, catálogo 52 code 1000): the total in Spanish
 * words, upper case, e.g. `CIENTO DIECIOCHO CON 00/100 SOLES`.
 *
 * Style decisions (one rule each, applied everywhere):
 * - No accents, in the numbers and in the currency name alike (`DIECISEIS`, `VEINTIDOS`, `MILLON`,
 *   `DOLARES AMERICANOS`): the SUNAT sample documents write their legends and notes without them
 *   (`COMPROBANTE DE PERCEPCION`), and plain A–Z survives every PDF font and legacy system downstream.
 * - The integer part stands alone before `CON`, so it keeps its full form: 1 → `UNO`, 21 → `VEINTIUNO`.
 *   Before `MIL`, `MILLON` and `MILLONES` the usual apocope applies: `VEINTIUN MIL`, `CIENTO UN MIL`, `UN MILLON`.
 * - 1 000 is `MIL` (never `UN MIL`); 1 000 000 is `UN MILLON`; 10⁹ is `MIL MILLONES` (Spanish long scale).
 * - Cents are always two digits over 100, and the currency name is always plural (`UNO CON 00/100 SOLES`), as in
 *   the legends SUNAT receipts commonly print: the noun follows the fraction, not the number.
 */

/** Largest amount that has a legend, in minor units: 999 999 999 999.99. */
export const MAX_AMOUNT_IN_WORDS = 99_999_999_999_999;

const CURRENCY_NAMES: Record<Currency, string> = {
  PEN: 'SOLES',
  USD: 'DOLARES AMERICANOS',
};

// 0–29 are single words in Spanish; from 30 on, tens and units are joined with "Y".
const UNITS = [
  'CERO', 'UNO', 'DOS', 'TRES', 'CUATRO', 'CINCO', 'SEIS', 'SIETE', 'OCHO', 'NUEVE',
  'DIEZ', 'ONCE', 'DOCE', 'TRECE', 'CATORCE', 'QUINCE', 'DIECISEIS', 'DIECISIETE', 'DIECIOCHO', 'DIECINUEVE',
  'VEINTE', 'VEINTIUNO', 'VEINTIDOS', 'VEINTITRES', 'VEINTICUATRO', 'VEINTICINCO', 'VEINTISEIS', 'VEINTISIETE',
  'VEINTIOCHO', 'VEINTINUEVE',
] as const;
const TENS = ['', '', '', 'TREINTA', 'CUARENTA', 'CINCUENTA', 'SESENTA', 'SETENTA', 'OCHENTA', 'NOVENTA'] as const;
// 100 alone is CIEN; 101–199 use CIENTO (handled below). QUINIENTOS, SETECIENTOS, NOVECIENTOS are irregular.
const HUNDREDS = [
  '', 'CIENTO', 'DOSCIENTOS', 'TRESCIENTOS', 'CUATROCIENTOS', 'QUINIENTOS', 'SEISCIENTOS', 'SETECIENTOS',
  'OCHOCIENTOS', 'NOVECIENTOS',
] as const;

/** 1–99. `apocope` turns a final UNO into UN (VEINTIUNO → VEINTIUN, TREINTA Y UNO → TREINTA Y UN). */
function belowHundred(n: number, apocope: boolean): string {
  if (n < 30) {
    if (apocope && n === 1) return 'UN';
    if (apocope && n === 21) return 'VEINTIUN';
    return UNITS[n]!;
  }
  const tens = TENS[Math.floor(n / 10)]!;
  const unit = n % 10;
  if (unit === 0) return tens;
  return `${tens} Y ${apocope && unit === 1 ? 'UN' : UNITS[unit]!}`;
}

/** 1–999. */
function belowThousand(n: number, apocope: boolean): string {
  if (n === 100) return 'CIEN';
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  const parts: string[] = [];
  if (hundreds > 0) parts.push(HUNDREDS[hundreds]!);
  if (rest > 0) parts.push(belowHundred(rest, apocope));
  return parts.join(' ');
}

/** 1–999 999. */
function belowMillion(n: number, apocope: boolean): string {
  const thousands = Math.floor(n / 1000);
  const rest = n % 1000;
  const parts: string[] = [];
  if (thousands === 1) parts.push('MIL');
  else if (thousands > 1) parts.push(`${belowThousand(thousands, true)} MIL`);
  if (rest > 0) parts.push(belowThousand(rest, apocope));
  return parts.join(' ');
}

/** 0–999 999 999 999, in the form that stands alone (final UNO kept). */
export function integerInWords(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0 || n > 999_999_999_999) throw new RangeError(`no words for ${n}`);
  if (n === 0) return UNITS[0];
  const millions = Math.floor(n / 1_000_000);
  const rest = n % 1_000_000;
  const parts: string[] = [];
  if (millions === 1) parts.push('UN MILLON');
  else if (millions > 1) parts.push(`${belowMillion(millions, true)} MILLONES`);
  if (rest > 0) parts.push(belowMillion(rest, false));
  return parts.join(' ');
}

/** `amountInWords(11800, 'PEN')` → `CIENTO DIECIOCHO CON 00/100 SOLES`. `minor` is in céntimos / cents. */
export function amountInWords(minor: number, currency: Currency): string {
  if (!Number.isSafeInteger(minor) || minor < 0 || minor > MAX_AMOUNT_IN_WORDS) {
    throw new RangeError(`amount in words: not an amount in minor units between 0 and ${MAX_AMOUNT_IN_WORDS}: ${minor}`);
  }
  const name = CURRENCY_NAMES[currency];
  if (name === undefined) throw new RangeError(`amount in words: unsupported currency ${String(currency)}`);
  const cents = minor % 100;
  const units = (minor - cents) / 100;
  return `${integerInWords(units)} CON ${String(cents).padStart(2, '0')}/100 ${name}`;
}
