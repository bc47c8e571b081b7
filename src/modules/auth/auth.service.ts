import { Injectable } from '@nestjs/common';
import { AccessTokenService } from '@/core/auth/access-token.service';
import { TransactionService } from '@/core/database/transaction.service';
import { OutboxService } from '@/core/outbox/outbox.service';
import { UserEvent, UsersService, type User, type UserRegisteredEvent } from '@/modules/users';
import { WrongPasswordError } from './auth.errors';
import { SessionsService, type ClientInfo } from './sessions.service';

export interface IssuedTokens {
  user: User;
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  sessionId: string;
}

/** Use cases of authentication: register, login, refresh, password change. */
@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly accessTokens: AccessTokenService,
    private readonly tx: TransactionService,
    private readonly outbox: OutboxService,
  ) {}

  private async issue(user: User, sessionId: string, refreshToken: string): Promise<IssuedTokens> {
    return {
      user,
      accessToken: await this.accessTokens.sign(user, sessionId),
      refreshToken,
      expiresIn: this.accessTokens.ttlSeconds,
      sessionId,
    };
  }

  /**
   * Creates the account, its first session and the `users.registered` outbox message in one
   * transaction; the worker's relay then triggers the welcome mail.
   */
  async register(
    data: { email: string; username: string; password: string },
    client: ClientInfo,
  ): Promise<IssuedTokens> {
    const { user, session, refreshToken } = await this.tx.run(async ({ manager }) => {
      const created = await this.users.create(data, manager);
      const started = await this.sessions.start(created.id, client, manager);
      // Announced through the outbox: committed together with the account, or not at all.
      const event: UserRegisteredEvent = { userId: created.id };
      await this.outbox.add(manager, UserEvent.Registered, { ...event });
      return { user: created, ...started };
    });
    return this.issue(user, session.id, refreshToken);
  }

  /** Called once credentials were verified (passport-local or the OAuth2 password grant). */
  async login(user: User, client: ClientInfo): Promise<IssuedTokens> {
    const { session, refreshToken } = await this.sessions.start(user.id, client);
    return this.issue(user, session.id, refreshToken);
  }

  async refresh(refreshToken: string): Promise<IssuedTokens> {
    const rotated = await this.sessions.rotate(refreshToken);
    const user = await this.users.getById(rotated.session.userId);
    return this.issue(user, rotated.session.id, rotated.refreshToken);
  }

  /**
   * Sets a new password and ends every other session: whoever else knew the old password is
   * logged out, while the caller stays signed in.
   */
  async changePassword(
    userId: string,
    currentSessionId: string,
    newPassword: string,
    currentPassword?: string,
  ): Promise<void> {
    if (currentPassword !== undefined) {
      const user = await this.users.getById(userId);
      if (!(await this.users.verifyPassword(user, currentPassword))) throw new WrongPasswordError();
    }
    const revoked = await this.tx.run(async ({ manager }) => {
      await this.users.setPassword(userId, newPassword, manager);
      return this.sessions.revokeAll(userId, 'password-change', currentSessionId, manager);
    });
    await this.sessions.denyAccess(revoked); // only once the revocation is committed
  }
}
