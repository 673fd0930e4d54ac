import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { getMetadataArgsStorage } from 'typeorm';
import { ENTITIES } from '../data-source';
import { createDatabase, dropDatabase } from '../database-admin';
import { startEmbeddedDatabase } from '../embedded-database';
import { runMigrations } from '../migrate';

/** dist/src/database/cli → the project root. */
const PROJECT_ROOT = resolve(__dirname, '..', '..', '..', '..');
const DATA_SOURCE = resolve(__dirname, '..', 'data-source.js');

/**
 * `npm run schema:check`: the entities and the migrations describe the same schema. Migrates a fresh
 * database (on the server DATABASE_URL names, else on the embedded PostgreSQL under .test-data, as the
 * tests do), then runs the TypeORM CLI exactly as a contributor would to generate the next migration, in
 * check mode: any statement it would generate is drift, printed, and the command fails. Before that, it
 * checks what TypeORM does not compare (see uncomparedDrift).
 */
async function main(): Promise<number> {
  const embedded = process.env.DATABASE_URL
    ? undefined
    : await startEmbeddedDatabase(resolve(PROJECT_ROOT, '.test-data'));
  const adminUrl = process.env.DATABASE_URL ?? embedded!.adminUrl('postgres');
  const name = `aidtrail_schema_check_${process.pid}`;
  try {
    const url = await createDatabase(adminUrl, name);
    try {
      await runMigrations(url);
      const drift = await uncomparedDrift(url);
      if (drift.length) {
        process.stderr.write(`The entities and the migrated schema disagree:\n${drift.join('\n')}\n`);
        return 1;
      }
      const check = spawnSync(
        process.execPath,
        [
          require.resolve('typeorm/cli.js'),
          'migration:generate',
          '-d',
          DATA_SOURCE,
          '--check',
          'migrations/SchemaDrift',
        ],
        { cwd: PROJECT_ROOT, env: { ...process.env, DATABASE_URL: url }, stdio: 'inherit' },
      );
      if (check.error) throw check.error;
      return check.status ?? 1;
    } finally {
      await dropDatabase(adminUrl, name);
    }
  } finally {
    await embedded?.stop();
  }
}

/**
 * What TypeORM's generator does not compare: it matches CHECK constraints by name only, so a rule changed
 * on an entity (or in a migration) alone would pass; and it skips the indexes declared with
 * `synchronize: false`. Each entity CHECK is added to a scratch copy of its table, so that PostgreSQL
 * writes both definitions in its own normal form, and compared; each such index is looked up by name.
 */
async function uncomparedDrift(url: string): Promise<string[]> {
  const metadata = getMetadataArgsStorage();
  const ours = (target: unknown) => ENTITIES.includes(target as (typeof ENTITIES)[number]);
  const tableOf = (target: unknown) => metadata.tables.find((table) => table.target === target)!.name!;
  const client = new Client({ connectionString: url });
  await client.connect();
  const drift: string[] = [];
  try {
    await client.query('BEGIN');
    const definition = async (table: string, constraint: string) => {
      const { rows } = await client.query<{ definition: string }>(
        `SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint WHERE conrelid = $1::regclass AND conname = $2`,
        [table, constraint],
      );
      return rows[0]?.definition;
    };
    for (const check of metadata.checks.filter((declared) => ours(declared.target))) {
      const table = tableOf(check.target);
      const scratch = `schema_check_${table}`;
      await client.query(`CREATE TEMP TABLE IF NOT EXISTS ${scratch} (LIKE ${table})`);
      await client.query(`ALTER TABLE ${scratch} ADD CONSTRAINT ${check.name} CHECK (${check.expression})`);
      const declared = await definition(scratch, check.name!);
      const migrated = await definition(table, check.name!);
      if (declared !== migrated) {
        drift.push(`  CHECK ${check.name} on ${table}: entity ${declared}, migrated ${migrated ?? '(none)'}`);
      }
    }
    const indexes = metadata.indices
      .filter((index) => index.synchronize === false && ours(index.target))
      .map((index) => index.name!);
    const { rows } = await client.query<{ name: string }>(
      `SELECT indexname AS name FROM pg_indexes WHERE schemaname = 'public' AND indexname = ANY($1)`,
      [indexes],
    );
    for (const index of indexes.filter((name) => !rows.some((row) => row.name === name))) {
      drift.push(`  index ${index} (synchronize: false): absent from the migrated schema`);
    }
    return drift;
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end();
  }
}

main().then(
  (status) => process.exit(status),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
