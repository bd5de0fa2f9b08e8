import { Migration } from '@mikro-orm/migrations';

export class Migration20261128050058 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`admin_users\` (\`id\` varchar(40) not null, \`email\` varchar(254) not null, \`password_hash\` varchar(255) not null, \`role\` varchar(16) not null, \`created_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
    this.addSql(`alter table \`admin_users\` add unique \`admin_users_email_unique\`(\`email\`);`);

    this.addSql(`create table \`api_keys\` (\`id\` varchar(40) not null, \`app_id\` varchar(40) not null, \`key_hash\` varchar(64) not null, \`key_prefix\` varchar(16) not null, \`mode\` varchar(8) not null, \`created_at\` datetime(3) not null, \`revoked_at\` datetime(3) null, primary key (\`id\`)) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
    this.addSql(`alter table \`api_keys\` add index \`api_keys_app_id_index\`(\`app_id\`);`);
    this.addSql(`alter table \`api_keys\` add unique \`api_keys_key_hash_unique\`(\`key_hash\`);`);

    this.addSql(`create table \`apps\` (\`id\` varchar(40) not null, \`name\` varchar(200) not null, \`created_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);

    this.addSql(`create table \`customers\` (\`id\` varchar(40) not null, \`app_id\` varchar(40) not null, \`email\` varchar(254) not null, \`email_normalized\` varchar(254) not null, \`name\` varchar(200) null, \`phone\` varchar(20) null, \`document_type\` varchar(12) null, \`document_number\` varchar(12) null, \`billing\` json not null, \`metadata\` json not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
    this.addSql(`alter table \`customers\` add unique \`customers_app_id_email_normalized_unique\`(\`app_id\`, \`email_normalized\`);`);

    this.addSql(`create table \`idempotency_keys\` (\`id\` varchar(40) not null, \`app_id\` varchar(40) not null, \`key_hash\` varchar(64) not null, \`fingerprint\` varchar(64) not null, \`state\` varchar(16) not null, \`locked_until\` datetime(3) not null, \`response_status\` int null, \`response_body\` text null, \`created_at\` datetime(3) not null, \`expires_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
    this.addSql(`alter table \`idempotency_keys\` add index \`idempotency_keys_expires_at_index\`(\`expires_at\`);`);
    this.addSql(`alter table \`idempotency_keys\` add unique \`idempotency_keys_app_id_key_hash_unique\`(\`app_id\`, \`key_hash\`);`);

    this.addSql(`create table \`orders\` (\`id\` varchar(40) not null, \`app_id\` varchar(40) not null, \`status\` varchar(24) not null, \`amount\` bigint not null default 0, \`currency\` varchar(3) not null, \`amount_refunded\` bigint not null default 0, \`description\` varchar(500) null, \`reference\` varchar(255) null, \`customer_id\` varchar(40) null, \`items\` json not null, \`credit_package\` varchar(32) null, \`gateway\` varchar(16) null, \`latest_charge_id\` varchar(40) null, \`invoice_id\` varchar(40) null, \`metadata\` json not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`paid_at\` datetime(3) null, \`canceled_at\` datetime(3) null, \`expires_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
    this.addSql(`alter table \`orders\` add index \`orders_status_expires_at_index\`(\`status\`, \`expires_at\`);`);
    this.addSql(`alter table \`orders\` add index \`orders_app_id_customer_id_index\`(\`app_id\`, \`customer_id\`);`);
    this.addSql(`alter table \`orders\` add index \`orders_app_id_status_index\`(\`app_id\`, \`status\`);`);
    this.addSql(`alter table \`orders\` add unique \`orders_app_id_reference_unique\`(\`app_id\`, \`reference\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`admin_users\`;`);

    this.addSql(`drop table if exists \`api_keys\`;`);

    this.addSql(`drop table if exists \`apps\`;`);

    this.addSql(`drop table if exists \`customers\`;`);

    this.addSql(`drop table if exists \`idempotency_keys\`;`);

    this.addSql(`drop table if exists \`orders\`;`);
  }

}
