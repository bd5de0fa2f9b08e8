import { Migration } from '@mikro-orm/migrations';

export class Migration20261204181019_DailySummaries extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`invoice_summaries\` (\`id\` text not null, \`app_id\` text not null, \`ruc\` text not null, \`document_id\` text not null, \`issue_date\` text not null, \`counter\` integer not null, \`reference_date\` text not null, \`line_count\` integer not null, \`xml\` mediumtext not null, \`hash\` text not null, \`status\` text not null, \`ticket\` text null, \`sunat_code\` text null, \`sunat_description\` text null, \`sunat_observations\` json not null, \`cdr\` mediumtext null, \`submit_attempts\` integer not null default 0, \`polls\` integer not null default 0, \`answered_at\` datetime null, \`created_at\` datetime not null, \`updated_at\` datetime not null, primary key (\`id\`));`);
    this.addSql(`create index \`invoice_summaries_app_id_created_at_index\` on \`invoice_summaries\` (\`app_id\`, \`created_at\`);`);
    this.addSql(`create unique index \`invoice_summaries_ruc_document_id_unique\` on \`invoice_summaries\` (\`ruc\`, \`document_id\`);`);

    this.addSql(`alter table \`invoices\` add column \`submission\` text not null default 'bill';`);
    this.addSql(`alter table \`invoices\` add column \`summary_id\` text null;`);
    this.addSql(`alter table \`invoices\` add column \`summary_document\` text null;`);
    this.addSql(`create index \`invoices_submission_status_created_at_index\` on \`invoices\` (\`submission\`, \`status\`, \`created_at\`);`);
  }

}
