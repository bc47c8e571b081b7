import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Client } from 'pg';
import { loadConfiguration } from '@/config';
import { startEmbeddedPostgres } from '@/core/database/embedded-postgres';
import { runMigrations } from '@/core/database/migrate';
import { loadDotenv } from '@/core/env';
import { fromRoot } from '@/core/paths';
import { migrateBullmqSchema } from '@/core/queue/postgres-backend';
import { RUNTIME_FILE, TEMPLATE_PREFIX, withDatabase, type TestRuntime } from './test-runtime';

/**
 * Once per `jest` run: find PostgreSQL (DATABASE_URL, or an embedded server when unset) and
 * Redis (REDIS_URL), migrate a template database, and record both for the test files.
 */
export default async function globalSetup(): Promise<void> {
  const env = loadDotenv();
  const config = loadConfiguration({ ...env, NODE_ENV: 'test' });
  let adminUrl: string;
  let embeddedDir: string | undefined;
  if (config.database.url) {
    adminUrl = withDatabase(config.database.url, 'postgres');
  } else {
    embeddedDir = '.data/pg-test';
    const embedded = await startEmbeddedPostgres(embeddedDir);
    adminUrl = withDatabase(embedded.url, 'postgres');
    (globalThis as { __embeddedPg?: typeof embedded }).__embeddedPg = embedded;
  }

  const templateDb = `${TEMPLATE_PREFIX}${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    // Leftovers of interrupted runs: test databases older than an hour. Younger ones may
    // belong to a run in progress next to this one (each run has its own template), and one
    // may be dropped by that run between the listing and the stat: missing_ok skips it.
    const { rows } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database
        WHERE datname LIKE 'stoa\\_test\\_%'
          AND (pg_stat_file('base/' || oid || '/PG_VERSION', true)).modification
              < now() - interval '1 hour'`,
    );
    for (const { datname } of rows)
      await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${templateDb}"`);
  } finally {
    await admin.end();
  }
  const templateUrl = withDatabase(adminUrl, templateDb);
  await runMigrations(config.database, templateUrl);
  await migrateBullmqSchema(templateUrl);

  mkdirSync(fromRoot('.data'), { recursive: true });
  const runtime: TestRuntime = {
    adminUrl,
    templateDb,
    redisUrl: config.redis.url,
    embeddedDir,
  };
  writeFileSync(RUNTIME_FILE, JSON.stringify(runtime));
}
