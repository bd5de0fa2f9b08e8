import { Migration } from '@mikro-orm/migrations';

export class Migration20261128053036 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`jobs\` (\`id\` varchar(40) not null, \`type\` varchar(60) not null, \`payload\` json not null, \`status\` varchar(16) not null, \`attempts\` int not null default 0, \`max_attempts\` int not null, \`run_at\` datetime(3) not null, \`locked_by\` varchar(80) null, \`locked_until\` datetime(3) null, \`last_error\` varchar(1000) null, \`dedupe_key\` varchar(191) null, \`app_id\` varchar(40) null, \`created_at\` datetime(3) not null, \`finished_at\` datetime(3) null, primary key (\`id\`)) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
    this.addSql(`alter table \`jobs\` add index \`jobs_status_run_at_index\`(\`status\`, \`run_at\`);`);
    this.addSql(`alter table \`jobs\` add unique \`jobs_dedupe_key_unique\`(\`dedupe_key\`);`);

    this.addSql(`create table \`reconciliation_runs\` (\`id\` varchar(40) not null, \`app_id\` varchar(40) null, \`status\` varchar(16) not null, \`checked\` int not null default 0, \`updated\` int not null default 0, \`discrepancies\` json not null, \`error\` varchar(500) null, \`created_at\` datetime(3) not null, \`finished_at\` datetime(3) null, primary key (\`id\`)) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`jobs\`;`);

    this.addSql(`drop table if exists \`reconciliation_runs\`;`);
  }

}
