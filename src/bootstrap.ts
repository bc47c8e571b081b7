import { Logger } from '@nestjs/common';
import {
  ConfigValidationError,
  loadConfiguration,
  type Configuration,
  type RawEnv,
} from '@/config';
import { startEmbeddedPostgres } from '@/core/database/embedded-postgres';
import { runMigrations } from '@/core/database/migrate';
import { migrateBullmqSchema } from '@/core/queue/postgres-backend';

/**
 * Shared start-up steps of every process (API, worker, CLI), before Nest is created: validate the
 * environment, resolve the database (embedded when DATABASE_URL is unset), migrate.
 */
export interface Runtime {
  config: Configuration;
  databaseUrl: string;
  /** Stops what the runtime started (the embedded PostgreSQL), after Nest has closed. */
  stop(): Promise<void>;
}

/** Validates the environment or exits with every problem listed (fail fast). */
export function loadConfigOrExit(env: RawEnv): Configuration {
  try {
    return loadConfiguration(env);
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}

export async function prepareRuntime(
  config: Configuration,
  opts: { migrate: boolean } = { migrate: true },
): Promise<Runtime> {
  const logger = new Logger('Bootstrap');
  let databaseUrl = config.database.url;
  let stop = async () => Promise.resolve();
  if (!databaseUrl) {
    const embedded = await startEmbeddedPostgres(
      config.database.embeddedDir,
      config.database.embeddedPort,
    );
    databaseUrl = embedded.url;
    stop = () => embedded.stop();
  }
  try {
    if (opts.migrate) {
      await runMigrations(config.database, databaseUrl);
      if (!config.redis.url) await migrateBullmqSchema(databaseUrl);
    }
  } catch (error) {
    logger.error(`start-up failed: ${(error as Error).message}`);
    await stop();
    throw error;
  }
  return { config, databaseUrl, stop };
}

/** Runs a process entry point; a start-up failure prints its stack and exits with 1. */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(
      `fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  });
}
