import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source';

/** Any 64-bit number, held while one instance migrates so that instances starting together take turns. */
const MIGRATION_LOCK = 7_318_020_200_618;

/** Applies pending migrations under an advisory lock; returns the names applied. */
export async function runMigrations(url: string): Promise<string[]> {
  // No per-query timeout: building an index on a table of millions of rows takes minutes, and an instance
  // that starts meanwhile waits on the migration lock as long as that lasts.
  const dataSource = new DataSource(dataSourceOptions(url, 2, 0));
  await dataSource.initialize();
  try {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((migration) => migration.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      await runner.release();
    }
  } finally {
    await dataSource.destroy();
  }
}
