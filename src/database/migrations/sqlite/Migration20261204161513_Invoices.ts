import { Migration } from '@mikro-orm/migrations';

export class Migration20261204161513_Invoices extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`invoices\` (\`id\` text not null, \`app_id\` text not null, \`kind\` text not null, \`type_code\` text not null, \`series\` text not null, \`number\` integer not null, \`issue_key\` text not null, \`order_id\` text not null, \`refund_id\` text null, \`reference_invoice_id\` text null, \`replaces_invoice_id\` text null, \`currency\` text not null, \`subtotal\` bigint not null default 0, \`igv\` bigint not null default 0, \`total\` bigint not null default 0, \`customer\` json not null, \`document\` json not null, \`xml\` mediumtext not null, \`hash\` text not null, \`status\` text not null, \`sunat_code\` text null, \`sunat_description\` text null, \`sunat_observations\` json not null, \`cdr\` mediumtext null, \`submit_attempts\` integer not null default 0, \`answered_at\` datetime null, \`created_at\` datetime not null, \`updated_at\` datetime not null, primary key (\`id\`));`);
    this.addSql(`create index \`invoices_app_id_created_at_index\` on \`invoices\` (\`app_id\`, \`created_at\`);`);
    this.addSql(`create index \`invoices_order_id_index\` on \`invoices\` (\`order_id\`);`);
    this.addSql(`create unique index \`invoices_issue_key_unique\` on \`invoices\` (\`issue_key\`);`);
    this.addSql(`create unique index \`invoices_app_id_type_code_series_number_unique\` on \`invoices\` (\`app_id\`, \`type_code\`, \`series\`, \`number\`);`);

    this.addSql(`create table \`invoice_sequences\` (\`app_id\` text not null, \`type_code\` text not null, \`series\` text not null, \`last_number\` integer not null, \`updated_at\` datetime not null, primary key (\`app_id\`, \`type_code\`, \`series\`));`);
  }

}
