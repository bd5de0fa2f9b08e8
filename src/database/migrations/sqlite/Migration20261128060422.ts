import { Migration } from '@mikro-orm/migrations';

export class Migration20261128060422 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create index \`charges_attempted_at_index\` on \`charges\` (\`attempted_at\`);`);
    this.addSql(`create index \`charges_app_id_attempted_at_index\` on \`charges\` (\`app_id\`, \`attempted_at\`);`);
  }

}
