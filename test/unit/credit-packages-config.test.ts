import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/app-config';
import { CreditPackageCatalog } from '../../src/credits/credit-packages';

const catalog = (env: Record<string, string> = {}) => new CreditPackageCatalog(loadConfig(env));

/** The problems loadConfig reports for `env`, or [] when it accepts it. */
function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

const starter = { code: 'starter', name: 'Starter', credits: 50, bonus_credits: 0, prices: { PEN: 1990, USD: 590 } };
const team = { code: 'team_plus', name: 'Team+', credits: 1000, bonus_credits: 250, prices: { PEN: 29900, USD: 8900 }, validity_days: 180, bonus_validity_days: 30 };
const packagesEnv = (packages: unknown) => ({ CREDIT_PACKAGES: JSON.stringify(packages) });
/** The problems of a CREDIT_PACKAGES made of `starter` with `changes` applied. */
const problemsOfStarter = (changes: Record<string, unknown>) => problems(packagesEnv([{ ...starter, ...changes }]));

describe('credit packages configuration', () => {
  describe('without CREDIT_PACKAGES', () => {
    it('keeps the built-in catalogue: basic, professional +10 %, enterprise +20 %, 365 days for purchased and bonus credits', () => {
      expect(catalog().list()).toEqual([
        { code: 'basic', name: 'Basic', credits: 100, bonus_credits: 0, prices: { PEN: 4900, USD: 1400 }, validity_days: 365, bonus_validity_days: 365 },
        { code: 'professional', name: 'Professional', credits: 500, bonus_credits: 50, prices: { PEN: 19900, USD: 5400 }, validity_days: 365, bonus_validity_days: 365 },
        { code: 'enterprise', name: 'Enterprise', credits: 2000, bonus_credits: 400, prices: { PEN: 69900, USD: 18900 }, validity_days: 365, bonus_validity_days: 365 },
      ]);
    });

    it('prices the built-in packages with CREDIT_PRICE_* and gives their credits CREDIT_VALIDITY_DAYS', () => {
      const packages = catalog({ CREDIT_PRICE_PROFESSIONAL_PEN: '17900', CREDIT_PRICE_ENTERPRISE_USD: '15000', CREDIT_VALIDITY_DAYS: '90' });
      expect(packages.get('professional')).toMatchObject({ prices: { PEN: 17900, USD: 5400 }, validity_days: 90, bonus_validity_days: 90 });
      expect(packages.get('enterprise')).toMatchObject({ prices: { PEN: 69900, USD: 15000 }, validity_days: 90, bonus_validity_days: 90 });
    });

    it('lets bonus credits expire sooner with CREDIT_BONUS_VALIDITY_DAYS', () => {
      const packages = catalog({ CREDIT_BONUS_VALIDITY_DAYS: '30' });
      for (const p of packages.list()) expect(p).toMatchObject({ validity_days: 365, bonus_validity_days: 30 });
    });

    it('treats an empty CREDIT_PACKAGES as unset', () => {
      expect(catalog({ CREDIT_PACKAGES: '' }).list().map((p) => p.code)).toEqual(['basic', 'professional', 'enterprise']);
    });
  });

  describe('with CREDIT_PACKAGES', () => {
    it('replaces the catalogue, in the configured order', () => {
      const packages = catalog(packagesEnv([team, starter]));
      expect(packages.list().map((p) => p.code)).toEqual(['team_plus', 'starter']);
      expect(packages.get('team_plus')).toEqual({ ...team });
      expect(packages.get('basic')).toBeNull();
      expect(packages.get('professional')).toBeNull();
    });

    it('fills a validity a package leaves out: CREDIT_VALIDITY_DAYS, then CREDIT_BONUS_VALIDITY_DAYS or the package validity for bonus credits', () => {
      expect(catalog(packagesEnv([starter])).get('starter')).toMatchObject({ validity_days: 365, bonus_validity_days: 365 });
      expect(catalog({ ...packagesEnv([starter]), CREDIT_VALIDITY_DAYS: '60' }).get('starter')).toMatchObject({ validity_days: 60, bonus_validity_days: 60 });
      expect(catalog(packagesEnv([{ ...starter, validity_days: 120 }])).get('starter')).toMatchObject({ validity_days: 120, bonus_validity_days: 120 });
      const withBonusDefault = catalog({ ...packagesEnv([{ ...starter, validity_days: 120 }, team]), CREDIT_BONUS_VALIDITY_DAYS: '15' });
      expect(withBonusDefault.get('starter')).toMatchObject({ validity_days: 120, bonus_validity_days: 15 });
      // A package's own bonus validity wins over the variable.
      expect(withBonusDefault.get('team_plus')).toMatchObject({ validity_days: 180, bonus_validity_days: 30 });
    });

    it('ignores the CREDIT_PRICE_* variables of the built-in packages', () => {
      expect(catalog({ ...packagesEnv([starter]), CREDIT_PRICE_BASIC_PEN: '100' }).list()).toEqual([expect.objectContaining({ code: 'starter', prices: { PEN: 1990, USD: 590 } })]);
    });

    it('accepts up to 20 packages and codes of 32 characters', () => {
      const twenty = Array.from({ length: 20 }, (_, i) => ({ ...starter, code: `pack-${i}` }));
      expect(catalog(packagesEnv(twenty)).list()).toHaveLength(20);
      const longCode = `a${'b'.repeat(31)}`;
      expect(catalog(packagesEnv([{ ...starter, code: longCode }])).get(longCode)).not.toBeNull();
    });

    it('finds only configured codes, whatever the lookup', () => {
      const packages = catalog(packagesEnv([starter]));
      for (const code of ['__proto__', 'constructor', 'toString', 'Starter', '']) expect(packages.get(code)).toBeNull();
    });

    it('shares packages no caller can change', () => {
      const packages = catalog(packagesEnv([starter]));
      const pkg = packages.get('starter')!;
      expect(() => Object.assign(pkg.prices, { PEN: 1 })).toThrow(TypeError);
      expect(() => Object.assign(pkg, { credits: 1 })).toThrow(TypeError);
      expect(packages.get('starter')).toMatchObject({ credits: 50, prices: { PEN: 1990 } });
    });
  });

  describe('refuses to start with a wrong CREDIT_PACKAGES, saying what is wrong', () => {
    const CASES: [string, Record<string, string>, string][] = [
      ['text that is not JSON', { CREDIT_PACKAGES: '[{"code": "x",' }, 'CREDIT_PACKAGES: not valid JSON ('],
      ['an object instead of a list', packagesEnv(starter), 'CREDIT_PACKAGES: must be a JSON array of 1 to 20 packages'],
      ['no package', packagesEnv([]), 'CREDIT_PACKAGES: must list at least one package'],
      ['21 packages', packagesEnv(Array.from({ length: 21 }, (_, i) => ({ ...starter, code: `p${i}` }))), 'CREDIT_PACKAGES: at most 20 packages'],
      ['a package that is not an object', packagesEnv([starter, 'gold']), 'CREDIT_PACKAGES: package 2: must be an object like'],
      ['an upper-case code', packagesEnv([{ ...starter, code: 'Gold' }]), 'CREDIT_PACKAGES: package 1 ("Gold"): code: must be 1-32 lowercase letters, digits, "_" or "-", starting with a letter'],
      ['a code starting with a digit', packagesEnv([{ ...starter, code: '1k' }]), 'CREDIT_PACKAGES: package 1 ("1k"): code: must be 1-32'],
      ['a code of 33 characters', packagesEnv([{ ...starter, code: 'a'.repeat(33) }]), 'CREDIT_PACKAGES: package 1: code: must be 1-32'],
      ['a code with a space', packagesEnv([{ ...starter, code: 'big pack' }]), 'CREDIT_PACKAGES: package 1 ("big pack"): code: must be 1-32'],
      ['no code', packagesEnv([{ ...starter, code: undefined }]), 'CREDIT_PACKAGES: package 1: code: required'],
      ['a duplicate code', packagesEnv([starter, team, { ...starter, name: 'Again' }]), 'CREDIT_PACKAGES: package 3 ("starter"): code: duplicate of package 1'],
      ['an empty name', packagesEnv([{ ...starter, name: '  ' }]), 'CREDIT_PACKAGES: package 1 ("starter"): name: must not be empty'],
      ['no name', packagesEnv([{ ...starter, name: undefined }]), 'CREDIT_PACKAGES: package 1 ("starter"): name: required'],
      ['0 credits', packagesEnv([{ ...starter, credits: 0 }]), 'CREDIT_PACKAGES: package 1 ("starter"): credits: must be a positive integer'],
      ['fractional credits', packagesEnv([{ ...starter, credits: 10.5 }]), 'CREDIT_PACKAGES: package 1 ("starter"): credits: must be a positive integer'],
      ['credits as text', packagesEnv([{ ...starter, credits: '50' }]), 'CREDIT_PACKAGES: package 1 ("starter"): credits: must be a positive integer'],
      ['a negative bonus', packagesEnv([{ ...starter, bonus_credits: -5 }]), 'CREDIT_PACKAGES: package 1 ("starter"): bonus_credits: must be an integer of 0 or more'],
      ['no bonus_credits', packagesEnv([{ ...starter, bonus_credits: undefined }]), 'CREDIT_PACKAGES: package 1 ("starter"): bonus_credits: required'],
      ['no prices', packagesEnv([{ ...starter, prices: undefined }]), 'CREDIT_PACKAGES: package 1 ("starter"): prices: required'],
      ['a price missing a currency', packagesEnv([{ ...starter, prices: { PEN: 1990 } }]), 'CREDIT_PACKAGES: package 1 ("starter"): prices.USD: required'],
      ['a price of 0', packagesEnv([{ ...starter, prices: { PEN: 0, USD: 590 } }]), 'CREDIT_PACKAGES: package 1 ("starter"): prices.PEN: must be a positive integer in minor units'],
      ['a price in major units', packagesEnv([{ ...starter, prices: { PEN: 19.9, USD: 590 } }]), 'CREDIT_PACKAGES: package 1 ("starter"): prices.PEN: must be a positive integer in minor units'],
      ['a price above the largest order amount', packagesEnv([{ ...starter, prices: { PEN: 1990, USD: 1_000_000_001 } }]), 'CREDIT_PACKAGES: package 1 ("starter"): prices.USD: must be a positive integer'],
      ['a third currency', packagesEnv([{ ...starter, prices: { PEN: 1990, USD: 590, EUR: 500 } }]), 'CREDIT_PACKAGES: package 1 ("starter"): prices: unknown field "EUR"'],
      ['a validity of 0 days', packagesEnv([{ ...starter, validity_days: 0 }]), 'CREDIT_PACKAGES: package 1 ("starter"): validity_days: must be whole days from 1 to 3650'],
      ['a validity over 10 years', packagesEnv([{ ...starter, validity_days: 3651 }]), 'CREDIT_PACKAGES: package 1 ("starter"): validity_days: must be whole days from 1 to 3650'],
      ['a bonus validity of half a day', packagesEnv([{ ...starter, bonus_validity_days: 0.5 }]), 'CREDIT_PACKAGES: package 1 ("starter"): bonus_validity_days: must be whole days from 1 to 3650'],
      ['a misspelt field', packagesEnv([{ ...starter, bonus_credit: 10 }]), 'CREDIT_PACKAGES: package 1 ("starter"): unknown field "bonus_credit"'],
    ];

    it.each(CASES)('%s', (_, env, expected) => {
      const found = problems(env);
      expect(found, found.join('; ')).toEqual([expect.stringContaining(expected)]);
      expect(found[0]!.startsWith(expected)).toBe(true);
    });

    it('reports every mistake at once, each naming its package and field', () => {
      const found = problemsOfStarter({ code: 'Pro', credits: 0, prices: { PEN: 1990 } });
      expect(found).toEqual([
        'CREDIT_PACKAGES: package 1 ("Pro"): code: must be 1-32 lowercase letters, digits, "_" or "-", starting with a letter',
        'CREDIT_PACKAGES: package 1 ("Pro"): credits: must be a positive integer',
        'CREDIT_PACKAGES: package 1 ("Pro"): prices.USD: required',
      ]);
      // A duplicate is reported along with the other mistakes, not only once they are fixed.
      expect(problems(packagesEnv([starter, { ...starter, credits: -1 }]))).toEqual([
        'CREDIT_PACKAGES: package 2 ("starter"): credits: must be a positive integer',
        'CREDIT_PACKAGES: package 2 ("starter"): code: duplicate of package 1',
      ]);
    });

    it('names CREDIT_BONUS_VALIDITY_DAYS when it is out of 1–3650 days', () => {
      for (const value of ['0', '3651', '7.5', 'week']) {
        expect(problems({ CREDIT_BONUS_VALIDITY_DAYS: value })).toEqual([expect.stringMatching(/^CREDIT_BONUS_VALIDITY_DAYS: /)]);
      }
    });
  });
});
