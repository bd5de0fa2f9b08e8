import { Migration } from '@mikro-orm/migrations';

export class Migration20261204055702_Notifications extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`alerts\` (\`id\` text not null, \`app_id\` text null, \`rule\` text not null, \`episode_key\` text not null, \`open_key\` text null, \`severity\` text not null, \`status\` text not null, \`title\` text not null, \`detail\` text not null, \`data\` json not null, \`opened_at\` datetime not null, \`updated_at\` datetime not null, \`acknowledged_at\` datetime null, \`resolved_at\` datetime null, \`resolved_by\` text null, primary key (\`id\`));`);
    this.addSql(`create index \`alerts_status_rule_index\` on \`alerts\` (\`status\`, \`rule\`);`);
    this.addSql(`create index \`alerts_app_id_id_index\` on \`alerts\` (\`app_id\`, \`id\`);`);
    this.addSql(`create unique index \`alerts_open_key_unique\` on \`alerts\` (\`open_key\`);`);

    this.addSql(`create table \`events\` (\`id\` text not null, \`app_id\` text not null, \`type\` text not null, \`resource_type\` text not null, \`resource_id\` text not null, \`data\` json not null, \`dedupe_key\` text not null, \`created_at\` datetime not null, \`dispatched_at\` datetime null, primary key (\`id\`));`);
    this.addSql(`create index \`events_dispatched_at_id_index\` on \`events\` (\`dispatched_at\`, \`id\`);`);
    this.addSql(`create index \`events_app_id_type_id_index\` on \`events\` (\`app_id\`, \`type\`, \`id\`);`);
    this.addSql(`create index \`events_app_id_id_index\` on \`events\` (\`app_id\`, \`id\`);`);
    this.addSql(`create unique index \`events_dedupe_key_unique\` on \`events\` (\`dedupe_key\`);`);

    this.addSql(`create table \`email_messages\` (\`id\` text not null, \`app_id\` text null, \`kind\` text not null, \`dedupe_key\` text not null, \`status\` text not null, \`to_address\` text null, \`locale\` text null, \`subject\` text null, \`postmark_message_id\` text null, \`error_code\` integer null, \`error_message\` text null, \`attempts\` integer not null default 0, \`event_id\` text null, \`order_id\` text null, \`context\` json not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`sent_at\` datetime null, \`delivered_at\` datetime null, \`bounced_at\` datetime null, \`bounce_type\` text null, \`complained_at\` datetime null, primary key (\`id\`));`);
    this.addSql(`create index \`email_messages_order_id_index\` on \`email_messages\` (\`order_id\`);`);
    this.addSql(`create index \`email_messages_postmark_message_id_index\` on \`email_messages\` (\`postmark_message_id\`);`);
    this.addSql(`create index \`email_messages_app_id_id_index\` on \`email_messages\` (\`app_id\`, \`id\`);`);
    this.addSql(`create unique index \`email_messages_dedupe_key_unique\` on \`email_messages\` (\`dedupe_key\`);`);

    this.addSql(`create table \`email_suppressions\` (\`address_hash\` text not null, \`address\` text not null, \`reason\` text not null, \`source\` text null, \`created_at\` datetime not null, primary key (\`address_hash\`));`);

    this.addSql(`create table \`email_webhook_events\` (\`id\` text not null, \`record_key\` text not null, \`record_type\` text not null, \`message_id\` text null, \`email_id\` text null, \`app_id\` text null, \`detail\` text null, \`inactive\` integer not null, \`occurred_at\` datetime not null, \`received_at\` datetime not null, primary key (\`id\`));`);
    this.addSql(`create index \`email_webhook_events_app_id_record_type_occurred_at_index\` on \`email_webhook_events\` (\`app_id\`, \`record_type\`, \`occurred_at\`);`);
    this.addSql(`create unique index \`email_webhook_events_record_key_unique\` on \`email_webhook_events\` (\`record_key\`);`);

    this.addSql(`create table \`event_deliveries\` (\`id\` text not null, \`app_id\` text not null, \`event_id\` text not null, \`endpoint_id\` text not null, \`status\` text not null, \`attempts\` integer not null default 0, \`last_status_code\` integer null, \`last_error\` text null, \`next_attempt_at\` datetime null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`completed_at\` datetime null, primary key (\`id\`));`);
    this.addSql(`create index \`event_deliveries_endpoint_id_status_index\` on \`event_deliveries\` (\`endpoint_id\`, \`status\`);`);
    this.addSql(`create unique index \`event_deliveries_event_id_endpoint_id_unique\` on \`event_deliveries\` (\`event_id\`, \`endpoint_id\`);`);

    this.addSql(`create table \`event_delivery_attempts\` (\`id\` text not null, \`app_id\` text not null, \`delivery_id\` text not null, \`event_id\` text not null, \`endpoint_id\` text not null, \`attempt\` integer not null, \`triggered_by\` text not null, \`url\` text not null, \`status_code\` integer null, \`succeeded\` integer not null, \`duration_ms\` integer not null, \`response_excerpt\` text null, \`error\` text null, \`created_at\` datetime not null, primary key (\`id\`));`);
    this.addSql(`create index \`event_delivery_attempts_delivery_id_index\` on \`event_delivery_attempts\` (\`delivery_id\`);`);
    this.addSql(`create index \`event_delivery_attempts_event_id_id_index\` on \`event_delivery_attempts\` (\`event_id\`, \`id\`);`);

    this.addSql(`create table \`push_subscriptions\` (\`id\` text not null, \`app_id\` text not null, \`endpoint_hash\` text not null, \`endpoint\` text not null, \`p256dh\` text not null, \`auth\` text not null, \`created_at\` datetime not null, \`last_success_at\` datetime null, primary key (\`id\`));`);
    this.addSql(`create unique index \`push_subscriptions_app_id_endpoint_hash_unique\` on \`push_subscriptions\` (\`app_id\`, \`endpoint_hash\`);`);

    this.addSql(`create table \`system_settings\` (\`name\` text not null, \`value\` text not null, \`created_at\` datetime not null, primary key (\`name\`));`);

    this.addSql(`create table \`webhook_endpoints\` (\`id\` text not null, \`app_id\` text not null, \`url\` text not null, \`description\` text null, \`events\` json not null, \`status\` text not null, \`secret_ciphertext\` text not null, \`previous_secret_ciphertext\` text null, \`previous_secret_expires_at\` datetime null, \`disabled_reason\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`disabled_at\` datetime null, \`deleted_at\` datetime null, primary key (\`id\`));`);
    this.addSql(`create index \`webhook_endpoints_app_id_id_index\` on \`webhook_endpoints\` (\`app_id\`, \`id\`);`);

    this.addSql(`alter table \`apps\` add column \`settings\` json null;`);

    this.addSql(`alter table \`customers\` add column \`locale\` text not null default 'es';`);

    this.addSql(`alter table \`refunds\` add column \`attempted_at\` datetime null;`);
    this.addSql(`alter table \`refunds\` add column \`next_reconcile_at\` datetime null;`);
    this.addSql(`alter table \`refunds\` add column \`reconcile_attempts\` integer not null default 0;`);
    this.addSql(`create index \`refunds_status_next_reconcile_at_index\` on \`refunds\` (\`status\`, \`next_reconcile_at\`);`);
  }

}
