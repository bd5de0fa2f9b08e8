import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261128044307 } from './Migration20261128044307';

/** SQLite migrations in order; written by `npm run migration:create`. */
export const SQLITE_MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261128044307', class: Migration20261128044307 },
];
