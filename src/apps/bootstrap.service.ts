import { MikroORM, RequestContext, UniqueConstraintViolationException } from '@mikro-orm/core';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { AppConfig } from '../config/app-config';
import { ConsoleOutput } from '../common/console-output';
import { randomBase62 } from '../common/secrets';
import { AdminsService } from './admins.service';
import { AppsService } from './apps.service';

/**
 * First start on an empty database: creates the bootstrap app (and the first admin user) and
 * prints their secrets once. A key given in SMARTPAY_BOOTSTRAP_API_KEY is used and never printed.
 */
@Injectable()
export class BootstrapService implements OnApplicationBootstrap {
  constructor(
    private readonly orm: MikroORM,
    private readonly apps: AppsService,
    private readonly admins: AdminsService,
    private readonly config: AppConfig,
    private readonly out: ConsoleOutput,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext('Bootstrap');
  }

  async onApplicationBootstrap(): Promise<void> {
    if ((await this.orm.getMigrator().getPendingMigrations()).length > 0) {
      this.logger.warn('migrations are pending: run `npm run migrate`; skipping first-start setup');
      return;
    }
    await RequestContext.create(this.orm.em, async () => {
      await this.ensureApp();
      await this.ensureAdmin();
    });
  }

  private async ensureApp(): Promise<void> {
    if ((await this.apps.countApps()) > 0) return;
    const preset = this.config.bootstrap.apiKey;
    let created;
    try {
      created = await this.apps.createApp('Default app', preset);
    } catch (err) {
      // Two instances starting together on an empty database: the preset key is unique, so the
      // second one's insert fails; that instance has nothing left to do.
      if (preset && err instanceof UniqueConstraintViolationException) return;
      throw err;
    }
    this.logger.info({ app_id: created.appId, key_id: created.keyId }, 'bootstrap app created');
    if (preset) return;
    this.out.print(
      [
        '',
        '  SmartPay bootstrap app created. Its API key is shown only this once:',
        '',
        `    app:     ${created.appId}`,
        `    api key: ${created.apiKey}`,
        '',
      ].join('\n'),
    );
  }

  private async ensureAdmin(): Promise<void> {
    if ((await this.admins.count()) > 0) return;
    const email = this.config.bootstrap.adminEmail ?? 'admin@smartpay.local';
    const preset = this.config.bootstrap.adminPassword;
    const password = preset ?? randomBase62(20);
    const created = await this.admins.create(email, password, 'admin');
    if (created === 'exists' || preset) return;
    this.out.print(`  Admin user ${email} created with password: ${password}\n`);
  }
}
