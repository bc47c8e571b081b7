import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { UserEvent, type UserRegisteredEvent } from '@/modules/users';
import { NotificationsService } from './notifications.service';

/** Turns domain events into queued notifications; nothing slow runs in the request. */
@Injectable()
export class NotificationsListener {
  private readonly logger = new Logger(NotificationsListener.name);

  constructor(private readonly notifications: NotificationsService) {}

  @OnEvent(UserEvent.Registered, { promisify: true, suppressErrors: false })
  async onUserRegistered(event: UserRegisteredEvent): Promise<void> {
    try {
      await this.notifications.enqueueWelcome(event.userId);
    } catch (error) {
      // The account exists either way; a lost welcome mail must not fail the registration.
      this.logger.error({ err: error }, `could not enqueue welcome mail for ${event.userId}`);
    }
  }
}
