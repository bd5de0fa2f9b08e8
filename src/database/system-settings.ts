import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { EntityRows } from './entity-rows';
import { SqlRunner } from './sql-runner';
import { SystemSetting } from './system-setting.entity';

/**
 * Values SmartPay generates once and then shares between restarts and instances (system_settings):
 * the first instance to insert a key wins, every other one reads the winner's value.
 */
@Injectable()
export class SystemSettings {
  private readonly cache = new Map<string, string>();

  constructor(
    private readonly em: EntityManager,
    private readonly sql: SqlRunner,
    private readonly rows: EntityRows,
    private readonly clock: Clock,
  ) {}

  async getOrCreate(key: string, generate: () => string): Promise<string> {
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    await this.rows.insertIgnore(this.sql, SystemSetting, [{ name: key, value: generate(), createdAt: this.clock.now() }]);
    const stored = await this.em.fork().findOneOrFail(SystemSetting, { name: key });
    this.cache.set(key, stored.value);
    return stored.value;
  }
}
