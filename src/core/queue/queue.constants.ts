import type { DefaultJobOptions } from 'bullmq';

/** Every queue of the app. A feature owns its queue and its processor. */
export enum QueueName {
  Mail = 'mail',
  Blog = 'blog',
}

/** Job names of the `mail` queue, with their payloads below. */
export enum MailJob {
  Welcome = 'welcome',
  ArticlePublished = 'article-published',
}

export interface MailJobPayloads {
  [MailJob.Welcome]: { userId: string };
  /** One job per follower: a retry or a redelivered event sends that follower's mail once. */
  [MailJob.ArticlePublished]: { articleId: string; followerId: string };
}

/** Job names of the `blog` queue. */
export enum BlogJob {
  /** Delayed until the article's `publishAt`; a no-op if it was rescheduled or unscheduled. */
  PublishArticle = 'publish-article',
}

export interface BlogJobPayloads {
  [BlogJob.PublishArticle]: { articleId: string; publishAt: string };
}

/** Every job: retried with exponential backoff; failures kept for inspection. */
export const DEFAULT_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { age: 24 * 3600, count: 1_000 },
  removeOnFail: false,
};
