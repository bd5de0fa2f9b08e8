import { Migration } from '@mikro-orm/migrations';

export class Migration20261204161513_Invoices extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`invoices\` (\`id\` varchar(40) not null, \`app_id\` varchar(40) not null, \`kind\` varchar(16) not null, \`type_code\` varchar(2) not null, \`series\` varchar(4) not null, \`number\` int not null, \`issue_key\` varchar(120) not null, \`order_id\` varchar(40) not null, \`refund_id\` varchar(40) null, \`reference_invoice_id\` varchar(40) null, \`replaces_invoice_id\` varchar(40) null, \`currency\` varchar(3) not null, \`subtotal\` bigint not null default 0, \`igv\` bigint not null default 0, \`total\` bigint not null default 0, \`customer\` json not null, \`document\` json not null, \`xml\` mediumtext not null, \`hash\` varchar(100) not null, \`status\` varchar(32) not null, \`sunat_code\` varchar(8) null, \`sunat_description\` varchar(500) null, \`sunat_observations\` json not null, \`cdr\` mediumtext null, \`submit_attempts\` int not null default 0, \`answered_at\` datetime(3) null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, primary key (\`id\`)) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
    this.addSql(`alter table \`invoices\` add index \`invoices_app_id_created_at_index\`(\`app_id\`, \`created_at\`);`);
    this.addSql(`alter table \`invoices\` add index \`invoices_order_id_index\`(\`order_id\`);`);
    this.addSql(`alter table \`invoices\` add unique \`invoices_issue_key_unique\`(\`issue_key\`);`);
    this.addSql(`alter table \`invoices\` add unique \`invoices_app_id_type_code_series_number_unique\`(\`app_id\`, \`type_code\`, \`series\`, \`number\`);`);

    this.addSql(`create table \`invoice_sequences\` (\`app_id\` varchar(40) not null, \`type_code\` varchar(2) not null, \`series\` varchar(4) not null, \`last_number\` int not null, \`updated_at\` datetime(3) not null, primary key (\`app_id\`, \`type_code\`, \`series\`)) default character set utf8mb4 collate utf8mb4_bin engine = InnoDB;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`invoices\`;`);

    this.addSql(`drop table if exists \`invoice_sequences\`;`);
  }

}
