import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentUser, RequirePermissions } from '@/core/auth/auth.decorators';
import { Permission, type AuthUser } from '@/core/auth/permissions';
import { AccountModel } from '@/modules/users';
import { SessionModel } from './dto/session.model';
import { SessionsService } from './sessions.service';

/** Adds `sessions` to the users module's `Account` type (only ever the caller's own account). */
@Resolver(() => AccountModel)
export class AccountSessionsResolver {
  constructor(private readonly sessionsService: SessionsService) {}

  @RequirePermissions(Permission.AccountSelf)
  // A database read per occurrence: priced so aliasing it many times hits the complexity limit.
  @ResolveField(() => [SessionModel], { complexity: 10 })
  async sessions(
    @Parent() account: AccountModel,
    @CurrentUser() me: AuthUser,
  ): Promise<SessionModel[]> {
    const sessions = await this.sessionsService.list(account.id);
    return sessions.map((s) => ({
      id: s.id,
      userAgent: s.userAgent,
      ip: s.ip,
      createdAt: s.createdAt,
      lastUsedAt: s.lastUsedAt,
      expiresAt: s.expiresAt,
      current: s.id === me.sessionId,
    }));
  }
}
