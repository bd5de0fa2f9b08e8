import { Migration } from '@mikro-orm/migrations';

export class Migration20261204234357_AdminDashboard extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`admin_audit_log\` (\`id\` text not null, \`admin_id\` text null, \`admin_email\` text not null, \`action\` text not null, \`method\` text not null, \`path\` text not null, \`app_id\` text null, \`target_id\` text null, \`status\` integer null, \`ip\` text null, \`created_at\` datetime not null, primary key (\`id\`));`);
    this.addSql(`create index \`admin_audit_log_created_at_index\` on \`admin_audit_log\` (\`created_at\`);`);

    this.addSql(`create table \`admin_sessions\` (\`id\` text not null, \`token_hash\` text not null, \`csrf_token\` text not null, \`admin_id\` text not null, \`created_at\` datetime not null, \`expires_at\` datetime not null, \`ip\` text null, primary key (\`id\`));`);
    this.addSql(`create unique index \`admin_sessions_token_hash_unique\` on \`admin_sessions\` (\`token_hash\`);`);
    this.addSql(`create index \`admin_sessions_expires_at_index\` on \`admin_sessions\` (\`expires_at\`);`);

    this.addSql(`alter table \`admin_users\` add column \`failed_logins\` integer not null default 0;`);
    this.addSql(`alter table \`admin_users\` add column \`locked_until\` datetime null;`);
    this.addSql(`alter table \`admin_users\` add column \`last_login_at\` datetime null;`);

    this.addSql(`create index \`events_resource_id_index\` on \`events\` (\`resource_id\`);`);
  }

}
