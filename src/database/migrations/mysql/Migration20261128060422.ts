import { Migration } from '@mikro-orm/migrations';

export class Migration20261128060422 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`charges\` add index \`charges_attempted_at_index\`(\`attempted_at\`);`);
    this.addSql(`alter table \`charges\` add index \`charges_app_id_attempted_at_index\`(\`app_id\`, \`attempted_at\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`charges\` drop index \`charges_attempted_at_index\`;`);
    this.addSql(`alter table \`charges\` drop index \`charges_app_id_attempted_at_index\`;`);
  }

}
