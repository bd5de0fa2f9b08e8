import { Migration } from '@mikro-orm/migrations';

export class Migration20261205005115_Rollups extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`report_charge_hours\` (\`id\` int unsigned not null auto_increment primary key, \`app_id\` varchar(40) not null, \`hour\` int not null, \`gateway\` varchar(16) not null, \`currency\` varchar(3) not null, \`source_type\` varchar(20) not null, \`card_brand\` varchar(20) null, \`status\` varchar(20) not null, \`decline_code\` varchar(32) null, \`failure_code\` varchar(32) null, \`n\` int not null, \`amount\` bigint not null default 0, \`ms_sum\` bigint not null default 0, \`ms_n\` int not null) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
    this.addSql(`alter table \`report_charge_hours\` add index \`report_charge_hours_app_hour\`(\`app_id\`, \`hour\`);`);

    this.addSql(`create table \`report_dirty_hours\` (\`app_id\` varchar(40) not null, \`hour\` int unsigned not null, primary key (\`app_id\`, \`hour\`)) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);

    this.addSql(`create table \`report_latency_days\` (\`app_id\` varchar(40) not null, \`day\` int unsigned not null, \`gateway\` varchar(16) not null, \`currency\` varchar(3) not null, \`processing_ms\` int unsigned not null, \`n\` int not null, primary key (\`app_id\`, \`day\`, \`gateway\`, \`currency\`, \`processing_ms\`)) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);

    this.addSql(`create table \`report_latency_hours\` (\`app_id\` varchar(40) not null, \`hour\` int unsigned not null, \`gateway\` varchar(16) not null, \`currency\` varchar(3) not null, \`processing_ms\` int unsigned not null, \`n\` int not null, primary key (\`app_id\`, \`hour\`, \`gateway\`, \`currency\`, \`processing_ms\`)) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);

    this.addSql(`create table \`report_rollup_state\` (\`app_id\` varchar(40) not null, \`rolled_until\` int not null, primary key (\`app_id\`)) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`report_charge_hours\`;`);

    this.addSql(`drop table if exists \`report_dirty_hours\`;`);

    this.addSql(`drop table if exists \`report_latency_days\`;`);

    this.addSql(`drop table if exists \`report_latency_hours\`;`);

    this.addSql(`drop table if exists \`report_rollup_state\`;`);
  }

}
