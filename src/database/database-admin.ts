import { Client, escapeIdentifier } from 'pg';

// Databases made and dropped on a PostgreSQL server by the tests (one per test file, copied from a migrated
// template), the bench (one per run) and the schema check (one per check): each works on a database of its own.

/** The URL of another database on the same server, with the same credentials. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Creates `name` on the server of `adminUrl` (a copy of `template` when given) and returns its URL. */
export async function createDatabase(adminUrl: string, name: string, template?: string): Promise<string> {
  const copy = template === undefined ? '' : ` TEMPLATE ${escapeIdentifier(template)}`;
  await onServer(adminUrl, `CREATE DATABASE ${escapeIdentifier(name)}${copy}`);
  return withDatabase(adminUrl, name);
}

/** Drops `name` if it exists, closing the connections still open on it. */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await onServer(adminUrl, `DROP DATABASE IF EXISTS ${escapeIdentifier(name)} WITH (FORCE)`);
}

/** The names of the databases on the server of `adminUrl` that match a LIKE pattern. */
export async function databasesLike(adminUrl: string, pattern: string): Promise<string[]> {
  const rows = await onServer<{ datname: string }>(
    adminUrl,
    'SELECT datname FROM pg_database WHERE datname LIKE $1',
    [pattern],
  );
  return rows.map((row) => row.datname);
}

async function onServer<Row>(adminUrl: string, sql: string, parameters: unknown[] = []): Promise<Row[]> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return (await client.query(sql, parameters)).rows as Row[];
  } finally {
    await client.end();
  }
}
