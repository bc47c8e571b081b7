import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { DatabaseConfig } from '@/config';
import { typeOrmOptions } from './typeorm-options';

/**
 * Applies pending TypeORM migrations, each in its own transaction. Several processes starting
 * at once (two API replicas and a worker) serialize on an advisory lock.
 */
export async function runMigrations(
  db: DatabaseConfig,
  url: string,
  logger = new Logger('Migrations'),
) {
  const dataSource = new DataSource({ ...typeOrmOptions(db, url), extra: { max: 1 } });
  await dataSource.initialize();
  try {
    await dataSource.query('SELECT pg_advisory_lock(hashtext($1))', ['stoa:migrations']);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    if (applied.length)
      logger.log(
        `applied ${applied.length} migration(s): ${applied.map((m) => m.name).join(', ')}`,
      );
    await dataSource.query('SELECT pg_advisory_unlock(hashtext($1))', ['stoa:migrations']);
    return applied.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}
