import { MikroORM } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';

export interface DatabaseHealth {
  /** 'ok', or what is wrong. */
  database: string;
  /** 'ok', or what is pending. */
  migrations: string;
}

/** Whether the database answers and every migration is applied. */
@Injectable()
export class DatabaseHealthCheck {
  private migrationsApplied = false;

  constructor(private readonly orm: MikroORM) {}

  async check(): Promise<DatabaseHealth> {
    try {
      await this.orm.em.fork().getConnection().execute('select 1');
    } catch (err) {
      return { database: `unreachable: ${(err as Error).message.split('\n')[0]}`, migrations: 'unknown' };
    }
    if (!this.migrationsApplied) {
      const pending = await this.orm.getMigrator().getPendingMigrations();
      if (pending.length > 0) return { database: 'ok', migrations: `${pending.length} pending (run npm run migrate)` };
      this.migrationsApplied = true; // applied migrations never come back, so ask only until they are
    }
    return { database: 'ok', migrations: 'ok' };
  }
}
