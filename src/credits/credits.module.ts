import { Module, type OnModuleInit } from '@nestjs/common';
import { EventDispatcher } from '../events/event-dispatcher';
import { JobQueue } from '../jobs/job-queue';
import { CreditExpiryJob } from './credit-expiry.job';
import { CreditLedger, RENEW_CREDITS_JOB } from './credit-ledger';
import { CreditPackageCatalog } from './credit-packages';
import { CreditPurchaseGrants, GRANT_PURCHASE_JOB } from './credit-purchase-grants';
import { CreditRenewalJob } from './credit-renewal.job';
import { CreditsController } from './credits.controller';
import { CreditsService } from './credits.service';
import { CustomerCreditsController } from './customer-credits.controller';

/**
 * Prepaid credits: the package catalogue, the lot-based ledger (CreditLedger), the API (CreditsService),
 * the grant of paid package orders (an `order.paid` consumer and its job) and the expiry of lots.
 */
@Module({
  controllers: [CreditsController, CustomerCreditsController],
  providers: [CreditPackageCatalog, CreditLedger, CreditsService, CreditPurchaseGrants, CreditExpiryJob, CreditRenewalJob],
  exports: [CreditPackageCatalog, CreditLedger],
})
export class CreditsModule implements OnModuleInit {
  constructor(
    private readonly dispatcher: EventDispatcher,
    private readonly jobs: JobQueue,
    private readonly purchases: CreditPurchaseGrants,
    private readonly renewals: CreditRenewalJob,
  ) {}

  onModuleInit(): void {
    this.dispatcher.register(this.purchases);
    this.jobs.register(GRANT_PURCHASE_JOB, (payload) => this.purchases.grant(String(payload.order_id)));
    this.jobs.register(RENEW_CREDITS_JOB, (payload, ctx) => this.renewals.run(payload, ctx));
  }
}
