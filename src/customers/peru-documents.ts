/** Peruvian identity documents accepted on customers (api.md, "Customers"). */
export const DOCUMENT_TYPES = ['DNI', 'RUC', 'CE', 'PASSPORT'] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

const RUC_PREFIXES = ['10', '15', '16', '17', '20'];
const RUC_WEIGHTS = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

/** SUNAT's RUC check digit: 11 − (Σ digit × weight mod 11), where 10 → 0 and 11 → 1. */
export function rucCheckDigit(firstTen: string): number {
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += Number(firstTen[i]) * RUC_WEIGHTS[i]!;
  const digit = 11 - (sum % 11);
  return digit === 10 ? 0 : digit === 11 ? 1 : digit;
}

/** null when valid, else the reason (used as the validation message). */
export function documentProblem(type: DocumentType, number: string): string | null {
  switch (type) {
    case 'DNI':
      return /^\d{8}$/.test(number) ? null : 'a DNI has exactly 8 digits';
    case 'RUC':
      if (!/^\d{11}$/.test(number)) return 'a RUC has exactly 11 digits';
      if (!RUC_PREFIXES.includes(number.slice(0, 2))) return 'a RUC starts with 10, 15, 16, 17 or 20';
      return rucCheckDigit(number.slice(0, 10)) === Number(number[10]) ? null : 'the RUC check digit is wrong';
    case 'CE':
    case 'PASSPORT':
      return /^[A-Za-z0-9]{4,12}$/.test(number) ? null : `a ${type} number has 4 to 12 letters or digits`;
  }
}
