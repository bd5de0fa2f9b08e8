import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import type { Currency } from '../common/money';

/** Any configured code (CREDIT_PACKAGES), not only the built-in ones. */
export type PackageCode = string;

export interface CreditPackage {
  readonly code: PackageCode;
  readonly name: string;
  readonly credits: number;
  readonly bonus_credits: number;
  readonly prices: Readonly<Record<Currency, number>>;
  /** Days the purchased credits last. */
  readonly validity_days: number;
  /** Days the bonus credits last (may be fewer than the purchased ones). */
  readonly bonus_validity_days: number;
}

/** The built-in catalogue, used when CREDIT_PACKAGES is not set: Professional +10 %, Enterprise +20 %. */
const BUILT_IN = [
  { code: 'basic', name: 'Basic', credits: 100, bonusPercent: 0 },
  { code: 'professional', name: 'Professional', credits: 500, bonusPercent: 10 },
  { code: 'enterprise', name: 'Enterprise', credits: 2000, bonusPercent: 20 },
] as const;

/**
 * The catalogue of prepaid credit packages, built once from configuration: CREDIT_PACKAGES when set,
 * otherwise the built-in packages priced by CREDIT_PRICE_*. Listed in configuration order.
 */
@Injectable()
export class CreditPackageCatalog {
  private readonly packages: ReadonlyMap<PackageCode, CreditPackage>;

  constructor(config: AppConfig) {
    this.packages = new Map(buildCatalog(config.credits).map((p) => [p.code, p]));
  }

  list(): CreditPackage[] {
    return [...this.packages.values()];
  }

  get(code: string): CreditPackage | null {
    return this.packages.get(code) ?? null;
  }
}

function buildCatalog(settings: AppConfig['credits']): CreditPackage[] {
  // A package's own validity wins; then the deployment-wide variables; bonus credits default to the
  // validity of the credits they came with.
  const validity = (own: number | undefined) => own ?? settings.validityDays;
  const bonusValidity = (own: number | undefined, packageValidity: number) => own ?? settings.bonusValidityDays ?? packageValidity;
  const packages: CreditPackage[] = settings.packages
    ? settings.packages.map((p) => {
        const validityDays = validity(p.validity_days);
        return {
          code: p.code,
          name: p.name,
          credits: p.credits,
          bonus_credits: p.bonus_credits,
          prices: { PEN: p.prices.PEN, USD: p.prices.USD },
          validity_days: validityDays,
          bonus_validity_days: bonusValidity(p.bonus_validity_days, validityDays),
        };
      })
    : BUILT_IN.map((p) => ({
        code: p.code,
        name: p.name,
        credits: p.credits,
        bonus_credits: (p.credits * p.bonusPercent) / 100,
        prices: { ...settings.prices[p.code] },
        validity_days: settings.validityDays,
        bonus_validity_days: bonusValidity(undefined, settings.validityDays),
      }));
  // Shared by every request: frozen, so no caller can change the prices another one sees.
  return packages.map((p) => Object.freeze({ ...p, prices: Object.freeze(p.prices) }));
}
