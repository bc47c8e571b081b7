import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { authConfig, type AuthConfig } from '@/config';
import { AccessTokenService } from '@/core/auth/access-token.service';
import { TransactionService } from '@/core/database/transaction.service';
import type { EntityManager } from 'typeorm';
import {
  InvalidRefreshTokenError,
  RefreshTokenReusedError,
  SessionNotFoundError,
} from './auth.errors';
import type { Session } from './entities/session.entity';
import { SessionsRepository } from './sessions.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ClientInfo {
  userAgent?: string;
  ip?: string;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const newSecret = () => randomBytes(32).toString('base64url');

function parseRefreshToken(token: string): { sessionId: string; secret: string } {
  const dot = token.indexOf('.');
  const sessionId = token.slice(0, dot);
  const secret = token.slice(dot + 1);
  if (dot < 0 || !UUID.test(sessionId) || secret.length < 32) throw new InvalidRefreshTokenError();
  return { sessionId, secret };
}

/**
 * Refresh-token sessions: creation at login, rotation on refresh with reuse detection, and
 * revocation (which also denylists the session's access tokens).
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly tx: TransactionService,
    private readonly accessTokens: AccessTokenService,
    @Inject(authConfig.KEY) private readonly auth: AuthConfig,
  ) {}

  private expiry(): Date {
    return new Date(Date.now() + this.auth.refreshTtlSeconds * 1000);
  }

  /** Starts a session and returns it with its first refresh token. */
  async start(userId: string, client: ClientInfo, manager?: EntityManager) {
    const secret = newSecret();
    const session = await this.sessions.insert(
      {
        userId,
        tokenHash: sha256(secret),
        userAgent: client.userAgent?.slice(0, 512) ?? null,
        ip: client.ip?.slice(0, 64) ?? null,
        expiresAt: this.expiry(),
      },
      manager,
    );
    return { session, refreshToken: `${session.id}.${secret}` };
  }

  /**
   * Exchanges a refresh token for a new one. Presenting a token that was already rotated
   * means two parties hold it, so the whole session (the family) is revoked.
   */
  async rotate(refreshToken: string): Promise<{ session: Session; refreshToken: string }> {
    const { sessionId, secret } = parseRefreshToken(refreshToken);
    const outcome = await this.tx.run(async ({ manager }) => {
      const session = await this.sessions.findForUpdate(sessionId, manager);
      if (!session || session.revokedAt || session.expiresAt <= new Date()) {
        return { error: new InvalidRefreshTokenError() };
      }
      const presented = Buffer.from(sha256(secret));
      if (!timingSafeEqual(presented, Buffer.from(session.tokenHash))) {
        await this.sessions.revokeById(session.id, 'refresh-reuse', manager);
        return { error: new RefreshTokenReusedError(), revoked: session.id };
      }
      const next = newSecret();
      const expiresAt = this.expiry();
      await this.sessions.rotate(session.id, sha256(next), expiresAt, manager);
      return { session: { ...session, expiresAt }, refreshToken: `${session.id}.${next}` };
    });
    // The revocation is committed before we answer, then its access tokens are denied.
    if (outcome.revoked) await this.accessTokens.denySessions([outcome.revoked]);
    if (outcome.error) throw outcome.error;
    return { session: outcome.session, refreshToken: outcome.refreshToken };
  }

  /** Whether the session exists, is not revoked and has not expired. */
  async isActive(sessionId: string): Promise<boolean> {
    return (await this.sessions.countActive(sessionId)) > 0;
  }

  list(userId: string): Promise<Session[]> {
    return this.sessions.listActive(userId);
  }

  async revoke(userId: string, sessionId: string, reason = 'logout'): Promise<void> {
    const ids = await this.sessions.revoke({ userId, id: sessionId }, reason);
    if (!ids.length) throw new SessionNotFoundError();
    await this.accessTokens.denySessions(ids);
  }

  /** Ends every session of the user, or every one but `exceptId`. */
  async revokeAll(
    userId: string,
    reason: string,
    exceptId?: string,
    manager?: EntityManager,
  ): Promise<string[]> {
    const ids = await this.sessions.revoke({ userId, exceptId }, reason, manager);
    await this.accessTokens.denySessions(ids);
    return ids;
  }

  deleteStale(graceDays: number): Promise<number> {
    return this.sessions.deleteStale(graceDays);
  }
}
