import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import { AdminModule } from './admin/admin.module';
import { AppsModule } from './apps/apps.module';
import { CommonModule } from './common/common.module';
import { ProblemFilter } from './common/errors/problem.filter';
import { LogFlushOnShutdown, ROOT_LOGGER } from './common/logging/log-flush';
import type { AppConfig, DatabaseConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { CreditsModule } from './credits/credits.module';
import { CustomersModule } from './customers/customers.module';
import { DatabaseModule } from './database/database.module';
import { GatewayWebhooksModule } from './gateway-webhooks/gateway-webhooks.module';
import { GatewaysModule } from './gateways/gateways.module';
import { HealthModule } from './health/health.module';
import { JobsModule } from './jobs/jobs.module';
import { MetricsModule } from './metrics/metrics.module';
import { OrdersModule } from './orders/orders.module';
import { ChargesModule } from './charges/charges.module';
import { PaymentMethodsModule } from './payment-methods/payment-methods.module';
import { RefundsModule } from './refunds/refunds.module';
import { ReconciliationRunsModule } from './reconciliation/reconciliation-runs.module';
import { ReconciliationModule } from './reconciliation/reconciliation.module';
import { EventsModule } from './events/events.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { NotificationsModule } from './notifications/notifications.module';
import { AlertsModule } from './alerts/alerts.module';
import { InvoicesModule } from './invoices/invoices.module';
import { ReportsModule } from './reports/reports.module';

@Module({})
export class AppModule {
  /** `sandbox` is the sandbox module in sandbox mode (loaded only then), else null. */
  static forRoot(config: AppConfig, database: DatabaseConfig, logger: Logger, sandbox: DynamicModule | null): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        // The access-log middleware is installed first thing in createApp (so even requests that fail in
        // the body parser get an access-log line) and sets req.log; here Nest only binds that request logger.
        LoggerModule.forRoot({ pinoHttp: { logger }, useExisting: true }),
        DatabaseModule.forRoot(database),
        CommonModule,
        JobsModule,
        EventsModule,
        AppsModule,
        MetricsModule,
        HealthModule,
        GatewaysModule.forRoot(sandbox),
        CustomersModule,
        CreditsModule,
        OrdersModule,
        PaymentMethodsModule,
        ChargesModule,
        RefundsModule,
        GatewayWebhooksModule,
        ReconciliationRunsModule,
        ReconciliationModule,
        WebhooksModule,
        NotificationsModule,
        AlertsModule,
        InvoicesModule,
        ReportsModule,
        AdminModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: ROOT_LOGGER, useValue: logger },
        LogFlushOnShutdown,
      ],
    };
  }
}
