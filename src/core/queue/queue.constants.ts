import type { DefaultJobOptions } from 'bullmq';

/** Every queue of the app. A feature owns its queue and its processor. */
export enum QueueName {
  Mail = 'mail',
  Blog = 'blog',
  Shop = 'shop',
}

/** Job names of the `mail` queue, with their payloads below. */
export enum MailJob {
  Welcome = 'welcome',
  ArticlePublished = 'article-published',
  OrderReceipt = 'order-receipt',
}

export interface MailJobPayloads {
  [MailJob.Welcome]: { userId: string };
  /** One job per follower: a retry or a redelivered event sends that follower's mail once. */
  [MailJob.ArticlePublished]: { articleId: string; followerId: string };
  /** One per paid order; the delivery key makes a redelivered event or a retry send it once. */
  [MailJob.OrderReceipt]: { orderId: string };
}

/** Job names of the `blog` queue. */
export enum BlogJob {
  /** Delayed until the article's `publishAt`; a no-op if it was rescheduled or unscheduled. */
  PublishArticle = 'publish-article',
}

export interface BlogJobPayloads {
  [BlogJob.PublishArticle]: { articleId: string; publishAt: string };
}

/** Job names of the `shop` queue. */
export enum ShopJob {
  /** Delayed until an unpaid order's stock hold ends; a no-op if it was paid or cancelled. */
  ExpireHold = 'expire-hold',
  /** A stored, verified provider event to act on (payment succeeded or failed). */
  ProcessProviderEvent = 'process-provider-event',
  /** The fake payment provider delivering a signed webhook (it retries like a real one). */
  DeliverFakeWebhook = 'deliver-fake-webhook',
  /** One outbound webhook delivery (a shop event to one subscribed endpoint). */
  DeliverWebhook = 'deliver-webhook',
}

export interface ShopJobPayloads {
  [ShopJob.ExpireHold]: { orderId: string };
  [ShopJob.ProcessProviderEvent]: { webhookEventId: string };
  [ShopJob.DeliverFakeWebhook]: { url: string; body: string };
  [ShopJob.DeliverWebhook]: { deliveryId: string };
}

/** Every job: retried with exponential backoff; failures kept for inspection. */
export const DEFAULT_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { age: 24 * 3600, count: 1_000 },
  removeOnFail: false,
};
