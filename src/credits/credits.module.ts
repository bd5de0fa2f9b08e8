import { Module } from '@nestjs/common';
import { CreditPackageCatalog } from './credit-packages';
import { CreditsController } from './credits.controller';

@Module({ controllers: [CreditsController], providers: [CreditPackageCatalog], exports: [CreditPackageCatalog] })
export class CreditsModule {}
