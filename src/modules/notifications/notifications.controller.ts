import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, RequirePermissions } from '@/core/auth/auth.decorators';
import { Permission, type AuthUser } from '@/core/auth/permissions';
import { CursorPaginationQuery, decodeCursor, encodeCursor } from '@/core/http/pagination.dto';
import { ValidationFailedError } from '@/core/http/domain-error';
import { NotificationPageResponse } from './dto/notification.dto';
import { InboxRepository } from './inbox.repository';

const ID = /^\d{1,18}$/;

/** The caller's in-app notifications: newest first, keyset-paginated, read marks. */
@ApiTags('notifications')
@Controller({ path: 'notifications', version: '1' })
export class NotificationsController {
  constructor(private readonly inbox: InboxRepository) {}

  @RequirePermissions(Permission.AccountSelf)
  @Get()
  @ApiOkResponse({ type: NotificationPageResponse })
  async listNotifications(
    @Query() query: CursorPaginationQuery,
    @CurrentUser() me: AuthUser,
  ): Promise<NotificationPageResponse> {
    let before: string | undefined;
    if (query.cursor) {
      const id = decodeCursor(query.cursor)?.id;
      if (typeof id !== 'string' || !ID.test(id))
        throw new ValidationFailedError({ cursor: ['is invalid'] });
      before = id;
    }
    const [notifications, unreadCount] = await Promise.all([
      this.inbox.page(me.id, query.limit, before),
      this.inbox.unreadCount(me.id),
    ]);
    const last = notifications.at(-1);
    return {
      notifications,
      unreadCount,
      nextCursor:
        notifications.length === query.limit && last ? encodeCursor({ id: last.id }) : null,
    };
  }

  @RequirePermissions(Permission.AccountSelf)
  @Post(':id/read')
  @HttpCode(204)
  @ApiNoContentResponse()
  async markNotificationRead(@Param('id') id: string, @CurrentUser() me: AuthUser): Promise<void> {
    if (!ID.test(id)) throw new ValidationFailedError({ id: ['is invalid'] });
    await this.inbox.markRead(me.id, id);
  }

  @RequirePermissions(Permission.AccountSelf)
  @Post('read-all')
  @HttpCode(204)
  @ApiNoContentResponse()
  async markAllNotificationsRead(@CurrentUser() me: AuthUser): Promise<void> {
    await this.inbox.markRead(me.id);
  }
}
