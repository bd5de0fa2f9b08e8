import { Migration } from '@mikro-orm/migrations';

export class Migration20261204212048_Reports extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create index \`credit_transactions_app_id_created_at_index\` on \`credit_transactions\` (\`app_id\`, \`created_at\`);`);

    this.addSql(`create index \`refunds_app_id_created_at_index\` on \`refunds\` (\`app_id\`, \`created_at\`);`);
  }

}
