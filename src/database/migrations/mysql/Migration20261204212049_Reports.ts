import { Migration } from '@mikro-orm/migrations';

export class Migration20261204212049_Reports extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`credit_transactions\` add index \`credit_transactions_app_id_created_at_index\`(\`app_id\`, \`created_at\`);`);

    this.addSql(`alter table \`refunds\` add index \`refunds_app_id_created_at_index\`(\`app_id\`, \`created_at\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`refunds\` drop index \`refunds_app_id_created_at_index\`;`);

    this.addSql(`alter table \`credit_transactions\` drop index \`credit_transactions_app_id_created_at_index\`;`);
  }

}
