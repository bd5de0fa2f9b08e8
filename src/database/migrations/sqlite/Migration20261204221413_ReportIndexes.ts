import { Migration } from '@mikro-orm/migrations';

export class Migration20261204221413_ReportIndexes extends Migration {

  override async up(): Promise<void> {
    // The covering index first, then the one it replaces: the charges are never without an index on (app_id, attempted_at).

    this.addSql(`create index \`charges_report_index\` on \`charges\` (\`app_id\`, \`attempted_at\`, \`status\`, \`gateway\`, \`currency\`, \`source_type\`, \`card_brand\`, \`amount\`, \`processing_ms\`, \`decline_code\`, \`failure_code\`);`);
    this.addSql(`drop index \`charges_app_id_attempted_at_index\`;`);

    this.addSql(`create index \`orders_app_id_credit_package_paid_at_index\` on \`orders\` (\`app_id\`, \`credit_package\`, \`paid_at\`);`);
  }

}
