import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { containsCardNumber, findCardData, issuedByCardNetwork, passesLuhn } from '../../src/common/card-data';

/** Standard gateway test PANs (Visa, Mastercard, Amex): all pass Luhn. */
const TEST_PANS = ['4111111111111111', '5500005555555559', '378282246310005'];

describe('passesLuhn', () => {
  it.each(TEST_PANS)('accepts %s', (pan) => expect(passesLuhn(pan)).toBe(true));
  it.each(['4111111111111112', '5500005555555558', '378282246310006', '51987654321'])('rejects %s', (n) => expect(passesLuhn(n)).toBe(false));
});

describe('containsCardNumber', () => {
  it.each(TEST_PANS)('detects the bare PAN %s', (pan) => expect(containsCardNumber(pan)).toBe(true));

  it.each([
    '4111 1111 1111 1111',
    '4111-1111-1111-1111',
    '5500 0055 5555 5559',
    '3782 822463 10005',
    '3782-822463-10005',
    '4111 1111-1111 1111',
  ])('detects the grouped PAN "%s"', (text) => expect(containsCardNumber(text)).toBe(true));

  it.each([
    'my card is 4111111111111111, thanks',
    'card:5500-0055-5555-5559 exp 12/29',
    'Amex 378282246310005.',
    'ref4111111111111111x',
    '4111 1111 1111 1111 12',
    'invoice 12 4111 1111 1111 1111',
  ])('detects a PAN embedded in text: "%s"', (text) => expect(containsCardNumber(text)).toBe(true));

  it.each([
    ['a 12-digit run that passes Luhn', '123456789015'],
    ['a 20-digit run that passes Luhn', '12345678901234567894'],
    ['a 16-digit number failing Luhn', '4111111111111112'],
    ['the same, grouped', '4111 1111 1111 1112'],
    ['a Peruvian mobile number', '+51987654321'],
    ['a grouped mobile number', '+51 987 654 321'],
    ['a landline with area code', '(01) 411-1111'],
    ['a RUC', '20131312955'],
    ['an amount and a date', 'S/ 1180.00 on 2026-11-28'],
    ['an order id', 'ord_01J9ZQ4Q7X3V2M8K5H6N1P0R2T'],
    ['groups split by double spaces', '4111  1111  1111  1111'],
    ['text without digits', 'Plan Professional'],
  ])('does not flag %s', (_what, text) => expect(containsCardNumber(text)).toBe(false));

  it('flags every Luhn-valid run of 13–19 digits a card network could have issued, and nothing else', () => {
    const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
    fc.assert(fc.property(digits(13, 19), (run) => containsCardNumber(`x ${run} y`) === (passesLuhn(run) && issuedByCardNetwork(run))), { numRuns: 3000 });
  });

  it('every run starting with 3, 4, 5 or 6 is checked whole: only Luhn decides there', () => {
    const rest = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
    fc.assert(fc.property(fc.constantFrom('3', '4', '5', '6'), rest(12, 18), (first, tail) => containsCardNumber(first + tail) === passesLuhn(first + tail)), { numRuns: 2000 });
  });

  // Test numbers of each network (Luhn-valid), including the lengths and ranges the prefix rule narrows.
  it.each([
    ['Visa 13', '4222222222222'],
    ['Visa 19', '4111111111111111110'],
    ['Mastercard 2-series', '2223003122003222'],
    ['Mastercard 2720', '2720992593319364'],
    ['Mir', '2200000000000004'],
    ['Amex', '371449635398431'],
    ['Diners 14', '36227206271667'],
    ['Diners 300', '30569309025904'],
    ['Discover', '6011111111111117'],
    ['JCB', '3530111333300000'],
    ['UnionPay 62', '6200000000000005'],
    ['UnionPay 81', '8171999927660000'],
    ['Maestro', '6759649826438453'],
    ['UATP 15', '135412345678911'],
  ])('flags %s (%s)', (_network, pan) => {
    expect(passesLuhn(pan)).toBe(true);
    expect(containsCardNumber(pan)).toBe(true);
  });

  it.each([
    ['a millisecond timestamp', '1764324000124'],
    ['a date-based reference', '20261128000001'],
    ['a 16-digit number starting with 9', '9000000000000001'],
    ['a 16-digit number starting with 7', '7000000000000005'],
    ['a 16-digit number starting with 0', '0000000000000000'],
    ['a 16-digit number starting with 1 (UATP is 15)', '1000000000000008'],
    ['a 16-digit number starting with 2 below Mir', '2100000000000005'],
    ['a 16-digit number starting with 83', '8300000000000000'],
  ])('does not flag %s that happens to pass Luhn (%s)', (_what, run) => {
    expect(passesLuhn(run)).toBe(true);
    expect(containsCardNumber(`reference ${run}`)).toBe(false);
  });

  it('never flags a digit run shorter than 13 or longer than 19', () => {
    const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
    fc.assert(fc.property(fc.oneof(digits(1, 12), digits(20, 40)), (run) => !containsCardNumber(`id ${run} end`)), { numRuns: 1000 });
  });
});

describe('findCardData', () => {
  it('returns the path of the first string holding a PAN', () => {
    expect(findCardData({ amount: 100, metadata: { note: 'paid with 4111 1111 1111 1111' } })).toBe('metadata.note');
    expect(findCardData({ items: [{ description: 'ok' }, { description: '5500005555555559' }] })).toBe('items[1].description');
    expect(findCardData('378282246310005')).toBe('(body)');
  });

  it('ignores numbers that are not strings and bodies without PANs', () => {
    expect(findCardData({ amount: 4111111111111111, phone: '+51987654321', document: { type: 'RUC', number: '20131312955' } })).toBeNull();
    expect(findCardData(null)).toBeNull();
    expect(findCardData([])).toBeNull();
  });
});

describe('identifiers that are not card numbers', () => {
  it('accepts hexadecimal token ids whose digits happen to pass Luhn (Mercado Pago card tokens)', () => {
    // 16 digits passing Luhn inside a 32-hex id: an identifier, not a PAN.
    expect(containsCardNumber('ab4111111111111111cdef0123456789ab')).toBe(false);
    expect(containsCardNumber('4111111111111111deadbeefdeadbeef')).toBe(false);
  });

  it('still refuses the same digits next to non-hex letters or standing alone', () => {
    expect(containsCardNumber('ref4111111111111111x')).toBe(true);
    expect(containsCardNumber('token 4111111111111111 deadbeef')).toBe(true);
  });
});
