import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { authConfig, type AuthConfig } from '@/config';
import { AccessTokenService } from '@/core/auth/access-token.service';
import type { AuthUser } from '@/core/auth/permissions';
import { UsersService } from '@/modules/users';
import { TransactionService } from '@/core/database/transaction.service';
import type { EntityManager } from 'typeorm';
import {
  InvalidRefreshTokenError,
  RefreshTokenReusedError,
  RefreshTokenRotatedError,
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
const sameHash = (a: string, b: string) => timingSafeEqual(Buffer.from(a), Buffer.from(b));

type RotateOutcome =
  | { error: InvalidRefreshTokenError; revoked?: string }
  | { session: Session; refreshToken: string };

/** How long the just-rotated token is answered with a plain 401 instead of revoking. */
export const ROTATION_GRACE_MS = 10_000;
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
    private readonly users: UsersService,
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
   * Exchanges a refresh token for a new one.
   * - the current token → rotated (the old one becomes "previous");
   * - the previous token, within {@link ROTATION_GRACE_MS} of its rotation → 401 without
   *   revocation: a client racing itself (two tabs, a retried request) must not lose its session;
   * - the previous token later → two parties hold the family: the whole session is revoked;
   * - anything else (an unknown secret) → 401 only, so guessing cannot log a victim out.
   */
  async rotate(refreshToken: string): Promise<{ session: Session; refreshToken: string }> {
    const { sessionId, secret } = parseRefreshToken(refreshToken);
    const outcome = await this.tx.run<RotateOutcome>(async ({ manager }) => {
      const session = await this.sessions.findForUpdate(sessionId, manager);
      if (!session || session.revokedAt || session.expiresAt <= new Date()) {
        return { error: new InvalidRefreshTokenError() };
      }
      const presented = sha256(secret);
      if (!sameHash(presented, session.tokenHash)) {
        if (!session.previousTokenHash || !sameHash(presented, session.previousTokenHash)) {
          return { error: new InvalidRefreshTokenError() };
        }
        const rotatedAgo = Date.now() - (session.rotatedAt?.getTime() ?? 0);
        if (rotatedAgo < ROTATION_GRACE_MS) return { error: new RefreshTokenRotatedError() };
        await this.sessions.revokeById(session.id, 'refresh-reuse', manager);
        return { error: new RefreshTokenReusedError(), revoked: session.id };
      }
      const next = newSecret();
      const expiresAt = this.expiry();
      await this.sessions.rotate(session.id, sha256(next), expiresAt, manager);
      return { session: { ...session, expiresAt }, refreshToken: `${session.id}.${next}` };
    });
    if ('error' in outcome) {
      // The revocation is committed before we answer, then its access tokens are denied.
      if (outcome.revoked) await this.accessTokens.denySessions([outcome.revoked]);
      throw outcome.error;
    }
    return outcome;
  }

  /**
   * The current identity behind a cookie session: `undefined` unless the session is active,
   * with the user's role as stored now (not as it was at login).
   */
  async resolveIdentity(sessionId: string): Promise<AuthUser | undefined> {
    const session = await this.sessions.findActive(sessionId);
    if (!session) return undefined;
    const user = await this.users.getById(session.userId).catch(() => undefined);
    return user ? { id: user.id, role: user.role, sessionId } : undefined;
  }

  list(userId: string): Promise<Session[]> {
    return this.sessions.listActive(userId);
  }

  async revoke(userId: string, sessionId: string, reason = 'logout'): Promise<void> {
    const ids = await this.sessions.revoke({ userId, id: sessionId }, reason);
    if (!ids.length) throw new SessionNotFoundError();
    await this.accessTokens.denySessions(ids);
  }

  /**
   * Ends every session of the user, or every one but `exceptId`. Inside a caller's transaction
   * (`manager`), the access tokens are denied by the caller after commit via {@link denyAccess}.
   */
  async revokeAll(
    userId: string,
    reason: string,
    exceptId?: string,
    manager?: EntityManager,
  ): Promise<string[]> {
    const ids = await this.sessions.revoke({ userId, exceptId }, reason, manager);
    if (!manager) await this.accessTokens.denySessions(ids);
    return ids;
  }

  /** Stops the access tokens of these (already revoked) sessions from working. */
  denyAccess(sessionIds: readonly string[]): Promise<void> {
    return this.accessTokens.denySessions(sessionIds);
  }

  deleteStale(graceDays: number): Promise<number> {
    return this.sessions.deleteStale(graceDays);
  }
}
