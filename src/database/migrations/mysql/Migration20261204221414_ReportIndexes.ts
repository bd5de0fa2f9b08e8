import { Migration } from '@mikro-orm/migrations';

export class Migration20261204221414_ReportIndexes extends Migration {

  override async up(): Promise<void> {
    // The covering index first, then the one it replaces: the charges are never without an index on (app_id, attempted_at).

    this.addSql(`alter table \`charges\` add index \`charges_report_index\`(\`app_id\`, \`attempted_at\`, \`status\`, \`gateway\`, \`currency\`, \`source_type\`, \`card_brand\`, \`amount\`, \`processing_ms\`, \`decline_code\`, \`failure_code\`);`);
    this.addSql(`alter table \`charges\` drop index \`charges_app_id_attempted_at_index\`;`);

    this.addSql(`alter table \`orders\` add index \`orders_app_id_credit_package_paid_at_index\`(\`app_id\`, \`credit_package\`, \`paid_at\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`charges\` drop index \`charges_report_index\`;`);

    this.addSql(`alter table \`charges\` add index \`charges_app_id_attempted_at_index\`(\`app_id\`, \`attempted_at\`);`);

    this.addSql(`alter table \`orders\` drop index \`orders_app_id_credit_package_paid_at_index\`;`);
  }

}
