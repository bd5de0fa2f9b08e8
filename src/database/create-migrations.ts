/**
 * Developer tool: `npm run migration:create [name]` diffs the entities against the schema that the
 * committed migrations build, and writes one new migration per dialect (SQLite into a scratch file,
 * MySQL into a scratch database on the local MariaDB, `MIGRATION_MYSQL_URL` to use another server).
 */
import { MikroORM } from '@mikro-orm/core';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { resolveDatabase } from './database-flavor';
import { ormOptions } from './orm-options';
import { createMysqlDatabase, dropMysqlDatabase } from './mysql-admin';

const root = resolve(__dirname, '..', '..', 'src', 'database', 'migrations');

async function createFor(dialect: 'sqlite' | 'mysql', name: string | undefined): Promise<void> {
  const dir = join(root, dialect);
  let cleanup: () => Promise<void>;
  let db: Parameters<typeof ormOptions>[0];
  if (dialect === 'sqlite') {
    const tmp = mkdtempSync(join(tmpdir(), 'smartpay-mig-'));
    db = { kind: 'sqlite', path: join(tmp, 'scratch.db') };
    cleanup = () => Promise.resolve(rmSync(tmp, { recursive: true, force: true }));
  } else {
    const server = process.env.MIGRATION_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/';
    const url = await createMysqlDatabase(server, `smartpay_migration_${process.pid}`);
    db = await resolveDatabase({ kind: 'mysql', url });
    cleanup = () => dropMysqlDatabase(url);
  }
  const orm = await MikroORM.init(ormOptions(db, { migrations: { ...ormOptions(db).migrations, path: dir, emit: 'ts', fileName: (ts, n) => `Migration${ts}${n ? `_${n}` : ''}` } }));
  try {
    await orm.getMigrator().up();
    const result = await orm.getMigrator().createMigration(dir, false, false, name);
    console.log(result.fileName ? `${dialect}: wrote ${result.fileName}` : `${dialect}: schema is up to date`);
  } finally {
    await orm.close(true);
    await cleanup();
  }
  writeIndex(dir, dialect);
}

function writeIndex(dir: string, dialect: string): void {
  const files = readdirSync(dir).filter((f) => /^Migration\d+.*\.ts$/.test(f)).sort();
  const names = files.map((f) => f.replace(/\.ts$/, ''));
  const constName = dialect === 'sqlite' ? 'SQLITE_MIGRATIONS' : 'MYSQL_MIGRATIONS';
  const lines = [
    "import type { MigrationObject } from '@mikro-orm/core';",
    ...names.map((n) => `import { ${n} } from './${n}';`),
    '',
    `/** ${dialect === 'sqlite' ? 'SQLite' : 'MySQL/MariaDB'} migrations in order; written by \`npm run migration:create\`. */`,
    `export const ${constName}: MigrationObject[] = [`,
    ...names.map((n) => `  { name: '${n}', class: ${n} },`),
    '];',
    '',
  ];
  writeFileSync(join(dir, 'index.ts'), lines.join('\n'));
}

async function main(): Promise<void> {
  const name = process.argv[2];
  await createFor('sqlite', name);
  await createFor('mysql', name);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
