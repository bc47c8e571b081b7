import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { shopConfig, type ShopConfig } from '@/config';
import type { Queue } from 'bullmq';
import { MailService } from '@/core/mail/mail.service';
import { TransactionService } from '@/core/database/transaction.service';
import { MailJob, QueueName, type MailJobPayloads } from '@/core/queue/queue.constants';
import { ArticlesService } from '@/modules/blog';
import { formatMinor, OrdersService } from '@/modules/shop';
import { UsersService, UserNotFoundError } from '@/modules/users';
import { InboxRepository } from './inbox.repository';
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
    private readonly articles: ArticlesService,
    private readonly inbox: InboxRepository,
    private readonly orders: OrdersService,
    @Inject(shopConfig.KEY) private readonly shop: ShopConfig,
  ) {}

  async enqueueReceipt(orderId: string): Promise<void> {
    const payload: MailJobPayloads[MailJob.OrderReceipt] = { orderId };
    await this.queue.add(MailJob.OrderReceipt, payload, { jobId: `order-receipt-${orderId}` });
  }

  /** The receipt of a paid order, at most once per order. */
  async sendReceipt(orderId: string): Promise<'sent' | 'already-sent' | 'gone'> {
    const order = await this.orders.forReceipt(orderId);
    if (!order) return 'gone';
    const amount = (minor: number) =>
      `${formatMinor(minor, this.shop.currencyExponent)} ${order.currency}`;
    return this.deliverOnce(`order-receipt:${orderId}`, order.email, 'order-receipt', {
      number: order.number,
      lines: order.lines.map((l) => ({ ...l, total: amount(l.totalMinor) })),
      subtotal: amount(order.subtotalMinor),
      discount: order.discountMinor > 0 ? amount(order.discountMinor) : undefined,
      shipping: amount(order.shippingMinor),
      tax: amount(order.taxMinor),
      total: amount(order.totalMinor),
      address: order.shippingAddress,
    });
  }

  /** Enqueues the welcome mail; the job id makes a second enqueue for one user a no-op. */
  async enqueueWelcome(userId: string): Promise<void> {
    const payload: MailJobPayloads[MailJob.Welcome] = { userId };
    await this.queue.add(MailJob.Welcome, payload, { jobId: `welcome-${userId}` });
  }

  /**
   * Followers of the author get an in-app notification and a mail job each (both idempotent:
   * a unique key per recipient and subject, a deterministic job id).
   */
  async enqueueArticlePublished(articleId: string, authorId: string): Promise<number> {
    const followers = await this.users.followerIds(authorId);
    const article = await this.articles.summary(articleId);
    if (!article) return 0;
    const author = await this.users.getById(authorId);
    await this.inbox.addForUsers(followers, 'article-published', articleId, {
      title: article.title,
      slug: article.slug,
      author: author.username,
    });
    await this.queue.addBulk(
      followers.map((followerId) => ({
        name: MailJob.ArticlePublished,
        data: { articleId, followerId } satisfies MailJobPayloads[MailJob.ArticlePublished],
        opts: { jobId: `article-published-${articleId}-${followerId}` },
      })),
    );
    return followers.length;
  }

  /** Tells one follower about a new article, at most once. */
  async sendArticlePublished(
    articleId: string,
    followerId: string,
  ): Promise<'sent' | 'already-sent' | 'gone'> {
    const [article, follower] = await Promise.all([
      this.articles.summary(articleId),
      this.users.getById(followerId).catch(() => undefined),
    ]);
    if (!article || !follower) return 'gone';
    const author = await this.users.getById(article.authorId);
    return this.deliverOnce(
      `article-published:${articleId}:${followerId}`,
      follower.email,
      'article-published',
      {
        username: follower.username,
        author: author.username,
        title: article.title,
        slug: article.slug,
      },
    );
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
    return this.deliverOnce(`welcome:${userId}`, user.email, 'welcome', {
      username: user.username,
    });
  }

  /**
   * Sends one logical mail at most once, however often its job runs: the delivery row is locked
   * while sending. A crash between the SMTP accept and the commit is the one window where a retry
   * can send twice (SMTP offers no idempotency key); the second copy then carries the same
   * `Message-ID` (derived from the key), which mail systems use to show it once.
   */
  private deliverOnce(
    key: string,
    to: string,
    template: string,
    context: Record<string, unknown>,
  ): Promise<'sent' | 'already-sent'> {
    return this.tx.run(async ({ manager }) => {
      const delivery = await this.deliveries.claim(manager, { key, template, recipient: to });
      if (delivery.status === 'sent') return 'already-sent' as const;
      const messageId = await this.mail.send({ to, template, context, key });
      await this.deliveries.markSent(manager, delivery.id, messageId);
      this.logger.log(`${template} mail sent (${key})`);
      return 'sent' as const;
    });
  }
}
