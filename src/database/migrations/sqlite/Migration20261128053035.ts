import { Migration } from '@mikro-orm/migrations';

export class Migration20261128053035 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`jobs\` (\`id\` text not null, \`type\` text not null, \`payload\` json not null, \`status\` text not null, \`attempts\` integer not null default 0, \`max_attempts\` integer not null, \`run_at\` datetime not null, \`locked_by\` text null, \`locked_until\` datetime null, \`last_error\` text null, \`dedupe_key\` text null, \`app_id\` text null, \`created_at\` datetime not null, \`finished_at\` datetime null, primary key (\`id\`));`);
    this.addSql(`create index \`jobs_status_run_at_index\` on \`jobs\` (\`status\`, \`run_at\`);`);
    this.addSql(`create unique index \`jobs_dedupe_key_unique\` on \`jobs\` (\`dedupe_key\`);`);

    this.addSql(`create table \`reconciliation_runs\` (\`id\` text not null, \`app_id\` text null, \`status\` text not null, \`checked\` integer not null default 0, \`updated\` integer not null default 0, \`discrepancies\` json not null, \`error\` text null, \`created_at\` datetime not null, \`finished_at\` datetime null, primary key (\`id\`));`);
  }

}
