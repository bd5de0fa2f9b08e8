import { Migration } from '@mikro-orm/migrations';

export class Migration20261204055703_Notifications extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`alerts\` (\`id\` varchar(40) not null, \`app_id\` varchar(40) null, \`rule\` varchar(48) not null, \`episode_key\` varchar(191) not null, \`open_key\` varchar(191) null, \`severity\` varchar(16) not null, \`status\` varchar(16) not null, \`title\` varchar(200) not null, \`detail\` varchar(1000) not null, \`data\` json not null, \`opened_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`acknowledged_at\` datetime(3) null, \`resolved_at\` datetime(3) null, \`resolved_by\` varchar(16) null, primary key (\`id\`)) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
    this.addSql(`alter table \`alerts\` add index \`alerts_status_rule_index\`(\`status\`, \`rule\`);`);
    this.addSql(`alter table \`alerts\` add index \`alerts_app_id_id_index\`(\`app_id\`, \`id\`);`);
    this.addSql(`alter table \`alerts\` add unique \`alerts_open_key_unique\`(\`open_key\`);`);

    this.addSql(`create table \`events\` (\`id\` varchar(40) not null, \`app_id\` varchar(40) not null, \`type\` varchar(48) not null, \`resource_type\` varchar(24) not null, \`resource_id\` varchar(40) not null, \`data\` json not null, \`dedupe_key\` varchar(191) not null, \`created_at\` datetime(3) not null, \`dispatched_at\` datetime(3) null, primary key (\`id\`)) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
    this.addSql(`alter table \`events\` add index \`events_dispatched_at_id_index\`(\`dispatched_at\`, \`id\`);`);
    this.addSql(`alter table \`events\` add index \`events_app_id_type_id_index\`(\`app_id\`, \`type\`, \`id\`);`);
    this.addSql(`alter table \`events\` add index \`events_app_id_id_index\`(\`app_id\`, \`id\`);`);
    this.addSql(`alter table \`events\` add unique \`events_dedupe_key_unique\`(\`dedupe_key\`);`);

    this.addSql(`create table \`email_messages\` (\`id\` varchar(40) not null, \`app_id\` varchar(40) null, \`kind\` varchar(24) not null, \`dedupe_key\` varchar(191) not null, \`status\` varchar(16) not null, \`to_address\` varchar(254) null, \`locale\` varchar(5) null, \`subject\` varchar(300) null, \`postmark_message_id\` varchar(64) null, \`error_code\` int null, \`error_message\` varchar(500) null, \`attempts\` int not null default 0, \`event_id\` varchar(40) null, \`order_id\` varchar(40) null, \`context\` json not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`sent_at\` datetime(3) null, \`delivered_at\` datetime(3) null, \`bounced_at\` datetime(3) null, \`bounce_type\` varchar(40) null, \`complained_at\` datetime(3) null, primary key (\`id\`)) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
    this.addSql(`alter table \`email_messages\` add index \`email_messages_order_id_index\`(\`order_id\`);`);
    this.addSql(`alter table \`email_messages\` add index \`email_messages_postmark_message_id_index\`(\`postmark_message_id\`);`);
    this.addSql(`alter table \`email_messages\` add index \`email_messages_app_id_id_index\`(\`app_id\`, \`id\`);`);
    this.addSql(`alter table \`email_messages\` add unique \`email_messages_dedupe_key_unique\`(\`dedupe_key\`);`);

    this.addSql(`create table \`email_suppressions\` (\`address_hash\` varchar(64) not null, \`address\` varchar(254) not null, \`reason\` varchar(24) not null, \`source\` varchar(64) null, \`created_at\` datetime(3) not null, primary key (\`address_hash\`)) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);

    this.addSql(`create table \`email_webhook_events\` (\`id\` varchar(40) not null, \`record_key\` varchar(191) not null, \`record_type\` varchar(24) not null, \`message_id\` varchar(64) null, \`email_id\` varchar(40) null, \`app_id\` varchar(40) null, \`detail\` varchar(200) null, \`inactive\` tinyint(1) not null, \`occurred_at\` datetime(3) not null, \`received_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
    this.addSql(`alter table \`email_webhook_events\` add index \`email_webhook_events_app_id_record_type_occurred_at_index\`(\`app_id\`, \`record_type\`, \`occurred_at\`);`);
    this.addSql(`alter table \`email_webhook_events\` add unique \`email_webhook_events_record_key_unique\`(\`record_key\`);`);

    this.addSql(`create table \`event_deliveries\` (\`id\` varchar(40) not null, \`app_id\` varchar(40) not null, \`event_id\` varchar(40) not null, \`endpoint_id\` varchar(40) not null, \`status\` varchar(16) not null, \`attempts\` int not null default 0, \`last_status_code\` int null, \`last_error\` varchar(300) null, \`next_attempt_at\` datetime(3) null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`completed_at\` datetime(3) null, primary key (\`id\`)) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
    this.addSql(`alter table \`event_deliveries\` add index \`event_deliveries_endpoint_id_status_index\`(\`endpoint_id\`, \`status\`);`);
    this.addSql(`alter table \`event_deliveries\` add unique \`event_deliveries_event_id_endpoint_id_unique\`(\`event_id\`, \`endpoint_id\`);`);

    this.addSql(`create table \`event_delivery_attempts\` (\`id\` varchar(40) not null, \`app_id\` varchar(40) not null, \`delivery_id\` varchar(40) not null, \`event_id\` varchar(40) not null, \`endpoint_id\` varchar(40) not null, \`attempt\` int not null, \`triggered_by\` varchar(16) not null, \`url\` varchar(2048) not null, \`status_code\` int null, \`succeeded\` tinyint(1) not null, \`duration_ms\` int not null, \`response_excerpt\` varchar(1000) null, \`error\` varchar(300) null, \`created_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
    this.addSql(`alter table \`event_delivery_attempts\` add index \`event_delivery_attempts_delivery_id_index\`(\`delivery_id\`);`);
    this.addSql(`alter table \`event_delivery_attempts\` add index \`event_delivery_attempts_event_id_id_index\`(\`event_id\`, \`id\`);`);

    this.addSql(`create table \`push_subscriptions\` (\`id\` varchar(40) not null, \`app_id\` varchar(40) not null, \`endpoint_hash\` varchar(64) not null, \`endpoint\` varchar(2048) not null, \`p256dh\` varchar(200) not null, \`auth\` varchar(100) not null, \`created_at\` datetime(3) not null, \`last_success_at\` datetime(3) null, primary key (\`id\`)) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
    this.addSql(`alter table \`push_subscriptions\` add unique \`push_subscriptions_app_id_endpoint_hash_unique\`(\`app_id\`, \`endpoint_hash\`);`);

    this.addSql(`create table \`system_settings\` (\`name\` varchar(64) not null, \`value\` text not null, \`created_at\` datetime(3) not null, primary key (\`name\`)) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);

    this.addSql(`create table \`webhook_endpoints\` (\`id\` varchar(40) not null, \`app_id\` varchar(40) not null, \`url\` varchar(2048) not null, \`description\` varchar(500) null, \`events\` json not null, \`status\` varchar(16) not null, \`secret_ciphertext\` text not null, \`previous_secret_ciphertext\` text null, \`previous_secret_expires_at\` datetime(3) null, \`disabled_reason\` varchar(300) null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`disabled_at\` datetime(3) null, \`deleted_at\` datetime(3) null, primary key (\`id\`)) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
    this.addSql(`alter table \`webhook_endpoints\` add index \`webhook_endpoints_app_id_id_index\`(\`app_id\`, \`id\`);`);

    this.addSql(`alter table \`apps\` add \`settings\` json null;`);

    this.addSql(`alter table \`customers\` add \`locale\` varchar(5) not null default 'es';`);

    this.addSql(`alter table \`refunds\` add \`attempted_at\` datetime(3) null, add \`next_reconcile_at\` datetime(3) null, add \`reconcile_attempts\` int not null default 0;`);
    this.addSql(`alter table \`refunds\` add index \`refunds_status_next_reconcile_at_index\`(\`status\`, \`next_reconcile_at\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`alerts\`;`);

    this.addSql(`drop table if exists \`events\`;`);

    this.addSql(`drop table if exists \`email_messages\`;`);

    this.addSql(`drop table if exists \`email_suppressions\`;`);

    this.addSql(`drop table if exists \`email_webhook_events\`;`);

    this.addSql(`drop table if exists \`event_deliveries\`;`);

    this.addSql(`drop table if exists \`event_delivery_attempts\`;`);

    this.addSql(`drop table if exists \`push_subscriptions\`;`);

    this.addSql(`drop table if exists \`system_settings\`;`);

    this.addSql(`drop table if exists \`webhook_endpoints\`;`);

    this.addSql(`alter table \`customers\` drop column \`locale\`;`);

    this.addSql(`alter table \`apps\` drop column \`settings\`;`);

    this.addSql(`alter table \`refunds\` drop index \`refunds_status_next_reconcile_at_index\`;`);
    this.addSql(`alter table \`refunds\` drop column \`attempted_at\`, drop column \`next_reconcile_at\`, drop column \`reconcile_attempts\`;`);
  }

}
