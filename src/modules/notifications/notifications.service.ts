import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { MailService } from '@/core/mail/mail.service';
import { TransactionService } from '@/core/database/transaction.service';
import { MailJob, QueueName, type MailJobPayloads } from '@/core/queue/queue.constants';
import { UsersService, UserNotFoundError } from '@/modules/users';
import { MailDeliveriesRepository } from './mail-deliveries.repository';

export type MailQueue = Queue<MailJobPayloads[MailJob], void, MailJob>;

@Injectable()
export class NotificationsService {
  private readonly logger = new Logger(NotificationsService.name);

  constructor(
    @InjectQueue(QueueName.Mail) private readonly queue: MailQueue,
    private readonly users: UsersService,
    private readonly mail: MailService,
    private readonly deliveries: MailDeliveriesRepository,
    private readonly tx: TransactionService,
  ) {}

  /** Enqueues the welcome mail; the job id makes a second enqueue for one user a no-op. */
  async enqueueWelcome(userId: string): Promise<void> {
    const payload: MailJobPayloads[MailJob.Welcome] = { userId };
    await this.queue.add(MailJob.Welcome, payload, { jobId: `welcome-${userId}` });
  }

  /**
   * Sends the welcome mail at most once per user, however often the job runs. The delivery row
   * is locked while sending; a crash between the SMTP accept and the commit is the one window
   * where a retry can send twice (SMTP offers no idempotency key).
   */
  async sendWelcome(userId: string): Promise<'sent' | 'already-sent' | 'user-gone'> {
    let user;
    try {
      user = await this.users.getById(userId);
    } catch (error) {
      if (error instanceof UserNotFoundError) return 'user-gone';
      throw error;
    }
    return this.tx.run(async ({ manager }) => {
      const delivery = await this.deliveries.claim(manager, {
        key: `welcome:${userId}`,
        template: 'welcome',
        recipient: user.email,
      });
      if (delivery.status === 'sent') return 'already-sent' as const;
      const messageId = await this.mail.send({
        to: user.email,
        template: 'welcome',
        context: { username: user.username },
      });
      await this.deliveries.markSent(manager, delivery.id, messageId);
      this.logger.log(`welcome mail sent to user ${userId}`);
      return 'sent' as const;
    });
  }
}
