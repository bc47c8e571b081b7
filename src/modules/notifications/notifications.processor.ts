import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { MetricsService } from '@/core/observability/metrics.service';
import { MailJob, QueueName, type MailJobPayloads } from '@/core/queue/queue.constants';
import { NotificationsService } from './notifications.service';

type MailJobOf<N extends MailJob> = Job<MailJobPayloads[N], void, N>;

/** Worker for the `mail` queue. Handlers are idempotent; BullMQ retries failures with backoff. */
@Processor(QueueName.Mail)
export class NotificationsProcessor extends WorkerHost {
  private readonly logger = new Logger(NotificationsProcessor.name);

  constructor(
    private readonly notifications: NotificationsService,
    private readonly metrics: MetricsService,
  ) {
    super();
  }

  async process(job: Job<MailJobPayloads[MailJob], void, MailJob>): Promise<void> {
    switch (job.name) {
      case MailJob.Welcome: {
        const { userId } = (job as MailJobOf<MailJob.Welcome>).data;
        const outcome = await this.notifications.sendWelcome(userId);
        if (outcome !== 'sent') this.logger.debug(`welcome mail for ${userId}: ${outcome}`);
        return;
      }
      case MailJob.ArticlePublished: {
        const { articleId, followerId } = (job as MailJobOf<MailJob.ArticlePublished>).data;
        await this.notifications.sendArticlePublished(articleId, followerId);
        return;
      }
      case MailJob.OrderReceipt: {
        const { orderId } = (job as MailJobOf<MailJob.OrderReceipt>).data;
        const outcome = await this.notifications.sendReceipt(orderId);
        if (outcome !== 'sent') this.logger.debug(`receipt for order ${orderId}: ${outcome}`);
        return;
      }
      default: {
        const unknown: never = job.name;
        throw new Error(`no handler for mail job ${String(unknown)}`);
      }
    }
  }

  @OnWorkerEvent('completed')
  onCompleted(job: Job): void {
    this.metrics.jobsProcessed.inc({ queue: QueueName.Mail, name: job.name, outcome: 'completed' });
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, error: Error): void {
    this.metrics.jobsProcessed.inc({
      queue: QueueName.Mail,
      name: job?.name ?? 'unknown',
      outcome: 'failed',
    });
    this.logger.warn(
      `mail job ${job?.id ?? '?'} failed (attempt ${job?.attemptsMade ?? '?'}): ${error.message}`,
    );
  }
}
