import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { BlogEvent, type ArticlePublishedEvent } from '@/modules/blog';
import { ShopEvent, type OrderEventPayload } from '@/modules/shop';
import { UserEvent, type UserRegisteredEvent } from '@/modules/users';
import { NotificationsService } from './notifications.service';

/** Turns domain events into queued notifications; nothing slow runs in the request. */
@Injectable()
export class NotificationsListener {
  constructor(private readonly notifications: NotificationsService) {}

  /**
   * Delivered by the outbox relay. Throwing leaves the message pending, so a Redis hiccup only
   * delays the mail; the deterministic job id makes the redelivery a no-op once enqueued.
   */
  @OnEvent(UserEvent.Registered, { promisify: true, suppressErrors: false })
  async onUserRegistered(event: UserRegisteredEvent): Promise<void> {
    await this.notifications.enqueueWelcome(event.userId);
  }

  /** Fan-out to the author's followers, one job each. */
  @OnEvent(BlogEvent.ArticlePublished, { promisify: true, suppressErrors: false })
  async onArticlePublished(event: ArticlePublishedEvent): Promise<void> {
    await this.notifications.enqueueArticlePublished(event.articleId, event.authorId);
  }

  /** Each paid order gets one receipt. */
  @OnEvent(ShopEvent.OrderPaid, { promisify: true, suppressErrors: false })
  async onOrderPaid(event: OrderEventPayload): Promise<void> {
    await this.notifications.enqueueReceipt(event.orderId);
  }
}
