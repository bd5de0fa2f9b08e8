import { Migration } from '@mikro-orm/migrations';

export class Migration20261204234357_AdminDashboard extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`admin_audit_log\` (\`id\` varchar(40) not null, \`admin_id\` varchar(40) null, \`admin_email\` varchar(254) not null, \`action\` varchar(48) not null, \`method\` varchar(8) not null, \`path\` varchar(300) not null, \`app_id\` varchar(40) null, \`target_id\` varchar(64) null, \`status\` int null, \`ip\` varchar(64) null, \`created_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
    this.addSql(`alter table \`admin_audit_log\` add index \`admin_audit_log_created_at_index\`(\`created_at\`);`);

    this.addSql(`create table \`admin_sessions\` (\`id\` varchar(40) not null, \`token_hash\` varchar(64) not null, \`csrf_token\` varchar(64) not null, \`admin_id\` varchar(40) not null, \`created_at\` datetime(3) not null, \`expires_at\` datetime(3) not null, \`ip\` varchar(64) null, primary key (\`id\`)) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
    this.addSql(`alter table \`admin_sessions\` add unique \`admin_sessions_token_hash_unique\`(\`token_hash\`);`);
    this.addSql(`alter table \`admin_sessions\` add index \`admin_sessions_expires_at_index\`(\`expires_at\`);`);

    this.addSql(`alter table \`admin_users\` add \`failed_logins\` int not null default 0, add \`locked_until\` datetime(3) null, add \`last_login_at\` datetime(3) null;`);

    this.addSql(`alter table \`events\` add index \`events_resource_id_index\`(\`resource_id\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`admin_audit_log\`;`);

    this.addSql(`drop table if exists \`admin_sessions\`;`);

    this.addSql(`alter table \`events\` drop index \`events_resource_id_index\`;`);

    this.addSql(`alter table \`admin_users\` drop column \`failed_logins\`, drop column \`locked_until\`, drop column \`last_login_at\`;`);
  }

}
