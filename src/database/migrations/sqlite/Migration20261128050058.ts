import { Migration } from '@mikro-orm/migrations';

export class Migration20261128050058 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`admin_users\` (\`id\` text not null, \`email\` text not null, \`password_hash\` text not null, \`role\` text not null, \`created_at\` datetime not null, primary key (\`id\`));`);
    this.addSql(`create unique index \`admin_users_email_unique\` on \`admin_users\` (\`email\`);`);

    this.addSql(`create table \`api_keys\` (\`id\` text not null, \`app_id\` text not null, \`key_hash\` text not null, \`key_prefix\` text not null, \`mode\` text not null, \`created_at\` datetime not null, \`revoked_at\` datetime null, primary key (\`id\`));`);
    this.addSql(`create index \`api_keys_app_id_index\` on \`api_keys\` (\`app_id\`);`);
    this.addSql(`create unique index \`api_keys_key_hash_unique\` on \`api_keys\` (\`key_hash\`);`);

    this.addSql(`create table \`apps\` (\`id\` text not null, \`name\` text not null, \`created_at\` datetime not null, primary key (\`id\`));`);

    this.addSql(`create table \`customers\` (\`id\` text not null, \`app_id\` text not null, \`email\` text not null, \`email_normalized\` text not null, \`name\` text null, \`phone\` text null, \`document_type\` text null, \`document_number\` text null, \`billing\` json not null, \`metadata\` json not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, primary key (\`id\`));`);
    this.addSql(`create unique index \`customers_app_id_email_normalized_unique\` on \`customers\` (\`app_id\`, \`email_normalized\`);`);

    this.addSql(`create table \`idempotency_keys\` (\`id\` text not null, \`app_id\` text not null, \`key_hash\` text not null, \`fingerprint\` text not null, \`state\` text not null, \`locked_until\` datetime not null, \`response_status\` integer null, \`response_body\` text null, \`created_at\` datetime not null, \`expires_at\` datetime not null, primary key (\`id\`));`);
    this.addSql(`create index \`idempotency_keys_expires_at_index\` on \`idempotency_keys\` (\`expires_at\`);`);
    this.addSql(`create unique index \`idempotency_keys_app_id_key_hash_unique\` on \`idempotency_keys\` (\`app_id\`, \`key_hash\`);`);

    this.addSql(`create table \`orders\` (\`id\` text not null, \`app_id\` text not null, \`status\` text not null, \`amount\` bigint not null default 0, \`currency\` text not null, \`amount_refunded\` bigint not null default 0, \`description\` text null, \`reference\` text null, \`customer_id\` text null, \`items\` json not null, \`credit_package\` text null, \`gateway\` text null, \`latest_charge_id\` text null, \`invoice_id\` text null, \`metadata\` json not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`paid_at\` datetime null, \`canceled_at\` datetime null, \`expires_at\` datetime not null, primary key (\`id\`));`);
    this.addSql(`create index \`orders_status_expires_at_index\` on \`orders\` (\`status\`, \`expires_at\`);`);
    this.addSql(`create index \`orders_app_id_customer_id_index\` on \`orders\` (\`app_id\`, \`customer_id\`);`);
    this.addSql(`create index \`orders_app_id_status_index\` on \`orders\` (\`app_id\`, \`status\`);`);
    this.addSql(`create unique index \`orders_app_id_reference_unique\` on \`orders\` (\`app_id\`, \`reference\`);`);
  }

}
