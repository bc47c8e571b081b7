import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export const OUTBOX_CHANNEL = 'stoa_outbox';

/**
 * Records events inside the caller's transaction.
 *
 * @example
 * await this.tx.run(async ({ manager }) => {
 *   const user = await this.users.create(data, manager);
 *   await this.outbox.add(manager, UserEvent.Registered, { userId: user.id });
 * });
 */
@Injectable()
export class OutboxService {
  async add(
    manager: EntityManager,
    topic: string,
    payload: Record<string, unknown>,
  ): Promise<void> {
    // One round trip for both. The NOTIFY is delivered at commit only (it is transactional)
    // and wakes the relay without polling.
    await manager.query(
      `WITH queued AS (INSERT INTO outbox (topic, payload) VALUES ($1, $2) RETURNING topic)
       SELECT pg_notify($3, topic) FROM queued`,
      [topic, JSON.stringify(payload), OUTBOX_CHANNEL],
    );
  }
}
