import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import type { Job } from 'bullmq';
import { AdvisoryLockService } from '@/core/database/advisory-lock.service';
import { MetricsService } from '@/core/observability/metrics.service';
import { BlogJob, QueueName, type BlogJobPayloads } from '@/core/queue/queue.constants';
import { ArticlesService } from './articles.service';

/** Worker for the `blog` queue: scheduled publishing. Idempotent by construction. */
@Processor(QueueName.Blog)
export class BlogProcessor extends WorkerHost {
  private readonly logger = new Logger(BlogProcessor.name);

  constructor(
    private readonly articles: ArticlesService,
    private readonly metrics: MetricsService,
  ) {
    super();
  }

  async process(job: Job<BlogJobPayloads[BlogJob], void, BlogJob>): Promise<void> {
    switch (job.name) {
      case BlogJob.PublishArticle: {
        const { articleId, publishAt } = job.data;
        const published = await this.articles.publishIfDue(articleId, publishAt);
        this.logger.log(
          `article ${articleId} ${published ? 'published' : 'not due or rescheduled; nothing to do'}`,
        );
        return;
      }
      default: {
        const unknown: never = job.name;
        throw new Error(`no handler for blog job ${String(unknown)}`);
      }
    }
  }

  @OnWorkerEvent('completed')
  onCompleted(job: Job): void {
    this.metrics.jobsProcessed.inc({ queue: QueueName.Blog, name: job.name, outcome: 'completed' });
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined): void {
    this.metrics.jobsProcessed.inc({
      queue: QueueName.Blog,
      name: job?.name ?? 'unknown',
      outcome: 'failed',
    });
  }
}

/**
 * Every minute, publishes scheduled articles that are due but were not published by their job
 * (lost between commit and enqueue, or queue data lost). One worker at a time (advisory lock).
 */
@Injectable()
export class BlogPublishingSweep {
  private readonly logger = new Logger(BlogPublishingSweep.name);

  constructor(
    private readonly articles: ArticlesService,
    private readonly locks: AdvisoryLockService,
  ) {}

  @Cron(CronExpression.EVERY_MINUTE, { name: 'blog-publishing-sweep' })
  async run(): Promise<number> {
    const { result } = await this.locks.tryWithLock('cron:blog-publishing-sweep', () =>
      this.articles.publishAllDue(),
    );
    if (result) this.logger.log(`published ${result} overdue scheduled article(s)`);
    return result ?? 0;
  }
}
