import { Migration } from '@mikro-orm/migrations';

export class Migration20261204181020_DailySummaries extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`invoice_summaries\` (\`id\` varchar(40) not null, \`app_id\` varchar(40) not null, \`ruc\` varchar(11) not null, \`document_id\` varchar(20) not null, \`issue_date\` varchar(10) not null, \`counter\` int not null, \`reference_date\` varchar(10) not null, \`line_count\` int not null, \`xml\` mediumtext not null, \`hash\` varchar(100) not null, \`status\` varchar(32) not null, \`ticket\` varchar(64) null, \`sunat_code\` varchar(8) null, \`sunat_description\` varchar(500) null, \`sunat_observations\` json not null, \`cdr\` mediumtext null, \`submit_attempts\` int not null default 0, \`polls\` int not null default 0, \`answered_at\` datetime(3) null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
    this.addSql(`alter table \`invoice_summaries\` add index \`invoice_summaries_app_id_created_at_index\`(\`app_id\`, \`created_at\`);`);
    this.addSql(`alter table \`invoice_summaries\` add unique \`invoice_summaries_ruc_document_id_unique\`(\`ruc\`, \`document_id\`);`);

    this.addSql(`alter table \`invoices\` add \`submission\` varchar(16) not null default 'bill', add \`summary_id\` varchar(40) null, add \`summary_document\` varchar(20) null;`);
    this.addSql(`alter table \`invoices\` add index \`invoices_submission_status_created_at_index\`(\`submission\`, \`status\`, \`created_at\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`invoice_summaries\`;`);

    this.addSql(`alter table \`invoices\` drop index \`invoices_submission_status_created_at_index\`;`);
    this.addSql(`alter table \`invoices\` drop column \`submission\`, drop column \`summary_id\`, drop column \`summary_document\`;`);
  }

}
