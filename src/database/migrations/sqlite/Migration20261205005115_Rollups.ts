import { Migration } from '@mikro-orm/migrations';

export class Migration20261205005115_Rollups extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`report_charge_hours\` (\`id\` integer not null primary key autoincrement, \`app_id\` text not null, \`hour\` integer not null, \`gateway\` text not null, \`currency\` text not null, \`source_type\` text not null, \`card_brand\` text null, \`status\` text not null, \`decline_code\` text null, \`failure_code\` text null, \`n\` integer not null, \`amount\` bigint not null default 0, \`ms_sum\` bigint not null default 0, \`ms_n\` integer not null);`);
    this.addSql(`create index \`report_charge_hours_app_hour\` on \`report_charge_hours\` (\`app_id\`, \`hour\`);`);

    this.addSql(`create table \`report_dirty_hours\` (\`app_id\` text not null, \`hour\` integer not null, primary key (\`app_id\`, \`hour\`));`);

    this.addSql(`create table \`report_latency_days\` (\`app_id\` text not null, \`day\` integer not null, \`gateway\` text not null, \`currency\` text not null, \`processing_ms\` integer not null, \`n\` integer not null, primary key (\`app_id\`, \`day\`, \`gateway\`, \`currency\`, \`processing_ms\`));`);

    this.addSql(`create table \`report_latency_hours\` (\`app_id\` text not null, \`hour\` integer not null, \`gateway\` text not null, \`currency\` text not null, \`processing_ms\` integer not null, \`n\` integer not null, primary key (\`app_id\`, \`hour\`, \`gateway\`, \`currency\`, \`processing_ms\`));`);

    this.addSql(`create table \`report_rollup_state\` (\`app_id\` text not null, \`rolled_until\` integer not null, primary key (\`app_id\`));`);
  }

}
