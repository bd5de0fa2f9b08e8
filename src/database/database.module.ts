import { MikroORM } from '@mikro-orm/core';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { type DynamicModule, Injectable, type MiddlewareConsumer, Module, type NestModule, type OnModuleInit, RequestMethod } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { AppConfig, type DatabaseConfig } from '../config/app-config';
import { EntityRows } from './entity-rows';
import { ormOptions } from './orm-options';
import { RequestContextMiddleware } from './request-context';
import { SqlRunner } from './sql-runner';
import { SystemSettings } from './system-settings';

/** Applies pending migrations at start when configured to (development; `npm run migrate` in production). */
@Injectable()
export class AutoMigrator implements OnModuleInit {
  constructor(
    private readonly orm: MikroORM,
    private readonly config: AppConfig,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext('Database');
  }

  async onModuleInit(): Promise<void> {
    if (!this.config.autoMigrate) return;
    const applied = await this.orm.getMigrator().up();
    if (applied.length > 0) this.logger.info({ migrations: applied.map((m) => m.name) }, 'migrations applied');
  }
}

@Module({})
export class DatabaseModule implements NestModule {
  /** `database` is the configured one with its MySQL flavor resolved (resolveDatabase). */
  static forRoot(database: DatabaseConfig): DynamicModule {
    return {
      module: DatabaseModule,
      // Global like MikroORM's EntityManager: every capability may speak plain SQL on the hot path.
      global: true,
      // The request context is ours: the same AsyncLocalStorage scope, with the fork made on first use.
      imports: [MikroOrmModule.forRoot({ ...ormOptions(database), registerRequestContext: false })],
      providers: [AutoMigrator, SqlRunner, EntityRows, SystemSettings],
      exports: [SqlRunner, EntityRows, SystemSettings],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestContextMiddleware).forRoutes({ path: '{*all}', method: RequestMethod.ALL });
  }
}
