import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import type { Currency } from '../common/money';

export const PACKAGE_CODES = ['basic', 'professional', 'enterprise'] as const;
export type PackageCode = (typeof PACKAGE_CODES)[number];

export interface CreditPackage {
  code: PackageCode;
  name: string;
  credits: number;
  bonus_credits: number;
  prices: Record<Currency, number>;
  validity_days: number;
}

/** Credits and bonus per package (Professional +10 %, Enterprise +20 %); prices and validity come from configuration. */
const CREDITS: Record<PackageCode, { name: string; credits: number; bonusPercent: number }> = {
  basic: { name: 'Basic', credits: 100, bonusPercent: 0 },
  professional: { name: 'Professional', credits: 500, bonusPercent: 10 },
  enterprise: { name: 'Enterprise', credits: 2000, bonusPercent: 20 },
};

/** The catalogue of prepaid credit packages. */
@Injectable()
export class CreditPackageCatalog {
  constructor(private readonly config: AppConfig) {}

  list(): CreditPackage[] {
    return PACKAGE_CODES.map((code) => this.get(code)!);
  }

  get(code: string): CreditPackage | null {
    if (!(PACKAGE_CODES as readonly string[]).includes(code)) return null;
    const def = CREDITS[code as PackageCode];
    return {
      code: code as PackageCode,
      name: def.name,
      credits: def.credits,
      bonus_credits: (def.credits * def.bonusPercent) / 100,
      prices: this.config.credits.prices[code as PackageCode],
      validity_days: this.config.credits.validityDays,
    };
  }
}
