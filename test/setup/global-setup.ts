import { mkdirSync, writeFileSync } from 'node:fs';
import { Client } from 'pg';
import { loadConfiguration } from '@/config';
import { startEmbeddedPostgres } from '@/core/database/embedded-postgres';
import { runMigrations } from '@/core/database/migrate';
import { loadDotenv } from '@/core/env';
import { fromRoot } from '@/core/paths';
import { migrateBullmqSchema } from '@/core/queue/postgres-backend';
import { RUNTIME_FILE, TEMPLATE_DB, withDatabase, type TestRuntime } from './test-runtime';

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

  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    // Leftovers of an interrupted run (test databases are named stoa_test_*).
    const { rows } = await admin.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'stoa\\_test\\_%'",
    );
    for (const { datname } of rows)
      await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${TEMPLATE_DB}"`);
  } finally {
    await admin.end();
  }
  const templateUrl = withDatabase(adminUrl, TEMPLATE_DB);
  await runMigrations(config.database, templateUrl);
  await migrateBullmqSchema(templateUrl);

  mkdirSync(fromRoot('.data'), { recursive: true });
  const runtime: TestRuntime = {
    adminUrl,
    templateDb: TEMPLATE_DB,
    redisUrl: config.redis.url,
    embeddedDir,
  };
  writeFileSync(RUNTIME_FILE, JSON.stringify(runtime));
}
