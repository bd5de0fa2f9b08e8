import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261128050058 } from './Migration20261128050058';
import { Migration20261128050425 } from './Migration20261128050425';

/** MySQL/MariaDB migrations in order; written by `npm run migration:create`. */
export const MYSQL_MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261128050058', class: Migration20261128050058 },
  { name: 'Migration20261128050425', class: Migration20261128050425 },
];
