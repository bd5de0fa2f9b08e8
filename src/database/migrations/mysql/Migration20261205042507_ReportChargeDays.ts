import { Migration } from '@mikro-orm/migrations';

export class Migration20261205042507_ReportChargeDays extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`report_charge_days\` (\`id\` int unsigned not null auto_increment primary key, \`app_id\` varchar(40) not null, \`day\` int not null, \`gateway\` varchar(16) not null, \`currency\` varchar(3) not null, \`source_type\` varchar(20) not null, \`card_brand\` varchar(20) null, \`status\` varchar(20) not null, \`decline_code\` varchar(32) null, \`failure_code\` varchar(32) null, \`n\` int not null, \`amount\` bigint not null default 0, \`ms_sum\` bigint not null default 0, \`ms_n\` int not null) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
    this.addSql(`alter table \`report_charge_days\` add index \`report_charge_days_app_day\`(\`app_id\`, \`day\`);`);
    // Days already rolled up (every hour before the app's watermark) get their daily rows now; later days are
    // built by the rollup job as their last hour is rolled up.
    this.addSql(`insert into report_charge_days (app_id, day, gateway, currency, source_type, card_brand, status, decline_code, failure_code, n, amount, ms_sum, ms_n)
      select h.app_id, h.hour div 24, h.gateway, h.currency, h.source_type, h.card_brand, h.status, h.decline_code, h.failure_code, sum(h.n), sum(h.amount), sum(h.ms_sum), sum(h.ms_n)
      from report_charge_hours h join report_rollup_state s on s.app_id = h.app_id
      where h.hour < (s.rolled_until div 24) * 24
      group by h.app_id, h.hour div 24, h.gateway, h.currency, h.source_type, h.card_brand, h.status, h.decline_code, h.failure_code;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`report_charge_days\`;`);
  }

}
