import { Migration } from '@mikro-orm/migrations';

export class Migration20261128053343 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`gateway_webhooks\` (\`id\` varchar(40) not null, \`gateway\` varchar(16) not null, \`event_key\` varchar(191) not null, \`event_type\` varchar(80) not null, \`resource_type\` varchar(16) not null, \`resource_id\` varchar(64) not null, \`verified\` tinyint(1) not null, \`raw_body\` text null, \`headers\` json not null, \`status\` varchar(16) not null, \`result\` varchar(500) null, \`charge_id\` varchar(40) null, \`app_id\` varchar(40) null, \`received_at\` datetime(3) not null, \`processed_at\` datetime(3) null, primary key (\`id\`)) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
    this.addSql(`alter table \`gateway_webhooks\` add index \`gateway_webhooks_status_received_at_index\`(\`status\`, \`received_at\`);`);
    this.addSql(`alter table \`gateway_webhooks\` add index \`gateway_webhooks_gateway_resource_id_index\`(\`gateway\`, \`resource_id\`);`);
    this.addSql(`alter table \`gateway_webhooks\` add unique \`gateway_webhooks_gateway_event_key_unique\`(\`gateway\`, \`event_key\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`gateway_webhooks\`;`);
  }

}
