import { MikroORM, RequestContext } from '@mikro-orm/core';
import type { Logger } from 'pino';
import { AdminsService } from '../apps/admins.service';
import { AppsService } from '../apps/apps.service';
import { Clock } from '../common/clock';
import type { AppConfig } from '../config/app-config';
import { checkDatabase } from '../config/database-check';
import { resolveDatabase } from '../database/database-flavor';
import { ormOptions } from '../database/orm-options';
import { CliError } from './cli-error';

/**
 * The configured database, opened the way the server opens it (same options, same migrations), with
 * the services the commands need built by hand: no Nest container, so the CLI starts fast and runs
 * none of the server's start-up work (bootstrap app, jobs).
 */
export class CliDatabase {
  readonly apps: AppsService;
  readonly admins: AdminsService;

  private constructor(
    readonly orm: MikroORM,
    private readonly config: AppConfig,
    private readonly logger: Logger,
  ) {
    const clock = new Clock();
    this.apps = new AppsService(orm.em, config, clock);
    this.admins = new AdminsService(orm.em, clock);
  }

  static async open(config: AppConfig, logger: Logger): Promise<CliDatabase> {
    await checkDatabase(config.database);
    const database = await resolveDatabase(config.database);
    const orm = await MikroORM.init(ormOptions(database));
    return new CliDatabase(orm, config, logger);
  }

  /** Applies pending migrations; returns their names. */
  async migrate(): Promise<string[]> {
    const applied = (await this.orm.getMigrator().up()).map((m) => m.name);
    if (applied.length > 0) this.logger.info({ migrations: applied }, 'migrations applied');
    return applied;
  }

  /**
   * Commands other than `migrate` need the current schema: pending migrations are applied where the
   * server would apply them itself (SMARTPAY_AUTO_MIGRATE, on outside production), else refused.
   */
  async requireSchema(): Promise<void> {
    const pending = await this.orm.getMigrator().getPendingMigrations();
    if (pending.length === 0) return;
    if (!this.config.autoMigrate) {
      throw new CliError(`the database has ${pending.length} pending migration(s): run "npm run migrate" first`);
    }
    await this.migrate();
  }

  /** Runs `work` with its own EntityManager (the global one is off limits). */
  async inContext<T>(work: () => Promise<T>): Promise<T> {
    return RequestContext.create(this.orm.em, work);
  }

  async close(): Promise<void> {
    await this.orm.close(true);
  }
}
