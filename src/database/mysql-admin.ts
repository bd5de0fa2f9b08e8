import { createConnection } from 'mysql2/promise';

/** Creates an empty database on a MySQL/MariaDB server and returns its URL (test suites and tooling). */
export async function createMysqlDatabase(serverUrl: string, name: string): Promise<string> {
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`bad database name ${name}`);
  const url = new URL(serverUrl);
  url.pathname = '/';
  const conn = await createConnection(url.toString());
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await conn.end();
  }
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropMysqlDatabase(dbUrl: string): Promise<void> {
  const url = new URL(dbUrl);
  const name = url.pathname.slice(1);
  url.pathname = '/';
  const conn = await createConnection(url.toString());
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await conn.end();
  }
}
