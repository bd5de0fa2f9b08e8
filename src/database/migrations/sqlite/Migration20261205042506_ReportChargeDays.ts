import { Migration } from '@mikro-orm/migrations';

export class Migration20261205042506_ReportChargeDays extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`report_charge_days\` (\`id\` integer not null primary key autoincrement, \`app_id\` text not null, \`day\` integer not null, \`gateway\` text not null, \`currency\` text not null, \`source_type\` text not null, \`card_brand\` text null, \`status\` text not null, \`decline_code\` text null, \`failure_code\` text null, \`n\` integer not null, \`amount\` bigint not null default 0, \`ms_sum\` bigint not null default 0, \`ms_n\` integer not null);`);
    this.addSql(`create index \`report_charge_days_app_day\` on \`report_charge_days\` (\`app_id\`, \`day\`);`);
    // Days already rolled up (every hour before the app's watermark) get their daily rows now; later days are
    // built by the rollup job as their last hour is rolled up.
    this.addSql(`insert into report_charge_days (app_id, day, gateway, currency, source_type, card_brand, status, decline_code, failure_code, n, amount, ms_sum, ms_n)
      select h.app_id, h.hour / 24, h.gateway, h.currency, h.source_type, h.card_brand, h.status, h.decline_code, h.failure_code, sum(h.n), sum(h.amount), sum(h.ms_sum), sum(h.ms_n)
      from report_charge_hours h join report_rollup_state s on s.app_id = h.app_id
      where h.hour < (s.rolled_until / 24) * 24
      group by h.app_id, h.hour / 24, h.gateway, h.currency, h.source_type, h.card_brand, h.status, h.decline_code, h.failure_code;`);
  }

}
