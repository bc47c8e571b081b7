import { Logger } from '@nestjs/common';
import { runMigrations as runBullmqMigrations } from 'bullmq';
import { Client } from 'pg';

/** BullMQ keeps its PostgreSQL tables in their own schema, away from ours. */
export const BULLMQ_SCHEMA = 'bullmq';

/**
 * Creates or upgrades BullMQ's PostgreSQL schema. Must run before any queue or worker is
 * created in PostgreSQL mode; BullMQ serializes concurrent callers with an advisory lock.
 */
export async function migrateBullmqSchema(
  url: string,
  logger = new Logger('Queues'),
): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const version = await runBullmqMigrations(client, BULLMQ_SCHEMA);
    logger.log(`BullMQ PostgreSQL schema "${BULLMQ_SCHEMA}" at version ${version}`);
  } finally {
    await client.end();
  }
}
