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
 * check mode: any statement it would generate is drift, printed, and the command fails. The indexes the
 * entities declare with `synchronize: false` (expressions TypeORM cannot state) are not compared by
 * TypeORM, so the check looks them up by name.
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
      const missing = await missingUnsynchronizedIndexes(url);
      if (missing.length) {
        process.stderr.write(
          `declared on the entities, absent from the migrated schema: ${missing.join(', ')}\n`,
        );
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

async function missingUnsynchronizedIndexes(url: string): Promise<string[]> {
  const declared = getMetadataArgsStorage()
    .indices.filter(
      (index) => index.synchronize === false && ENTITIES.includes(index.target as (typeof ENTITIES)[number]),
    )
    .map((index) => index.name!);
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      `SELECT indexname AS name FROM pg_indexes WHERE schemaname = 'public' AND indexname = ANY($1)`,
      [declared],
    );
    return declared.filter((name) => !rows.some((row) => row.name === name));
  } finally {
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
