import { Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { AccessTokenService } from '@/core/auth/access-token.service';
import { UserEvent, type UserRoleChangedEvent } from '@/modules/users';

/** Keeps tokens honest when an account changes elsewhere. */
@Injectable()
export class AuthEventsListener {
  constructor(private readonly accessTokens: AccessTokenService) {}

  @OnEvent(UserEvent.RoleChanged, { promisify: true, suppressErrors: false })
  async onRoleChanged(event: UserRoleChangedEvent): Promise<void> {
    await this.accessTokens.invalidateUserTokens(event.userId);
  }
}
