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
    await manager.query('INSERT INTO outbox (topic, payload) VALUES ($1, $2)', [
      topic,
      JSON.stringify(payload),
    ]);
    // Delivered at commit only (NOTIFY is transactional): wakes the relay without polling.
    await manager.query('SELECT pg_notify($1, $2)', [OUTBOX_CHANNEL, topic]);
  }
}
