import { Migration } from '@mikro-orm/migrations';

export class Migration20261128053342 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`gateway_webhooks\` (\`id\` text not null, \`gateway\` text not null, \`event_key\` text not null, \`event_type\` text not null, \`resource_type\` text not null, \`resource_id\` text not null, \`verified\` integer not null, \`raw_body\` text null, \`headers\` json not null, \`status\` text not null, \`result\` text null, \`charge_id\` text null, \`app_id\` text null, \`received_at\` datetime not null, \`processed_at\` datetime null, primary key (\`id\`));`);
    this.addSql(`create index \`gateway_webhooks_status_received_at_index\` on \`gateway_webhooks\` (\`status\`, \`received_at\`);`);
    this.addSql(`create index \`gateway_webhooks_gateway_resource_id_index\` on \`gateway_webhooks\` (\`gateway\`, \`resource_id\`);`);
    this.addSql(`create unique index \`gateway_webhooks_gateway_event_key_unique\` on \`gateway_webhooks\` (\`gateway\`, \`event_key\`);`);
  }

}
