import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { MailDelivery } from './entities/mail-delivery.entity';

@Injectable()
export class MailDeliveriesRepository {
  /**
   * Creates the delivery row if missing and locks it for the rest of the transaction, so two
   * workers handling the same mail serialize here and the second sees `sent`.
   */
  async claim(
    manager: EntityManager,
    data: Pick<MailDelivery, 'key' | 'template' | 'recipient'>,
  ): Promise<MailDelivery> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(MailDelivery)
      .values(data)
      .orIgnore()
      .execute();
    return manager.getRepository(MailDelivery).findOneOrFail({
      where: { key: data.key },
      lock: { mode: 'pessimistic_write' },
    });
  }

  async markSent(manager: EntityManager, id: string, messageId: string): Promise<void> {
    await manager
      .getRepository(MailDelivery)
      .createQueryBuilder()
      .update()
      .set({ status: 'sent', messageId, sentAt: () => 'now()', attempts: () => 'attempts + 1' })
      .where('id = :id', { id })
      .execute();
  }
}
