import { Migration } from '@mikro-orm/migrations';

/** A lot can never hold less than zero or more than it was given (enforced by MariaDB ≥ 10.2.1, MySQL ≥ 8.0.16). */
export class Migration20261205191253_LotRemainingCheck extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table \`credit_lots\` add constraint credit_lots_remaining_check check(remaining >= 0 and remaining <= credits);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`credit_lots\` drop constraint credit_lots_remaining_check;`);
  }
}
