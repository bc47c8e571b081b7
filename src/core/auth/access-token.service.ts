import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { Request } from 'express';
import '@/core/security/session-data';
import { authConfig, type AuthConfig } from '@/config';
import { KeyValueStore } from '@/core/redis/key-value.store';
import { InvalidTokenError, SessionRevokedError, StaleTokenError } from './auth.errors';
import { Role, type AuthUser } from './permissions';

interface AccessClaims {
  sub: string;
  sid: string;
  role: Role;
  typ: 'access';
  /**
   * Issue time in milliseconds. `iat` has one-second resolution, too coarse to tell a token
   * issued just before a role change from the one issued just after it.
   */
  iss_ms: number;
  iat?: number;
  exp?: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const ROLES = new Set<string>(Object.values(Role));

/**
 * Issues and verifies short-lived access JWTs bound to a session.
 *
 * Revocation: a JWT cannot be recalled, so when a session ends its id is written to a shared
 * denylist (Redis, or memory without Redis) for exactly one access-token lifetime. Every
 * verification checks that list, so a revoked session's access token stops working on the next
 * request (one key lookup), and the entry expires when the token would have anyway.
 */
@Injectable()
export class AccessTokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly store: KeyValueStore,
    @Inject(authConfig.KEY) private readonly auth: AuthConfig,
  ) {}

  get ttlSeconds(): number {
    return this.auth.accessTtlSeconds;
  }

  async sign(user: { id: string; role: Role }, sessionId: string): Promise<string> {
    const claims: AccessClaims = {
      sub: user.id,
      sid: sessionId,
      role: user.role,
      typ: 'access',
      iss_ms: Date.now(),
    };
    return this.jwt.signAsync(claims, { expiresIn: this.auth.accessTtlSeconds });
  }

  async verify(token: string): Promise<AuthUser> {
    let claims: AccessClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessClaims>(token, { algorithms: ['HS256'] });
    } catch {
      throw new InvalidTokenError();
    }
    if (
      claims.typ !== 'access' ||
      typeof claims.exp !== 'number' ||
      typeof claims.iss_ms !== 'number' ||
      !UUID.test(String(claims.sub)) ||
      !UUID.test(String(claims.sid)) ||
      !ROLES.has(claims.role)
    ) {
      throw new InvalidTokenError();
    }
    // One round trip for both checks: the session's denylist entry and the user's cut-off.
    const [revoked, validAfter] = await this.store.getMany([
      this.revokedKey(claims.sid),
      this.validAfterKey(claims.sub),
    ]);
    if (revoked) throw new SessionRevokedError();
    if (validAfter && claims.iss_ms < Number(validAfter)) throw new StaleTokenError();
    return { id: claims.sub, role: claims.role, sessionId: claims.sid };
  }

  /**
   * The identity stored in the cookie session by `/account/login`, unless the session is on the
   * denylist. This is only a first check: pages re-read the session row and the user's current
   * role (the account module's ActiveSessionGuard, the queue board's resolver).
   */
  async fromCookieSession(req: Request): Promise<AuthUser | undefined> {
    const auth = req.session?.auth;
    if (!auth) return undefined;
    if (await this.store.get(this.revokedKey(auth.sessionId))) return undefined;
    return auth;
  }

  /**
   * Ends the validity of every access token already issued to this user (e.g. after a role
   * change): they answer `AUTH.TOKEN_STALE` and the client refreshes, getting the new role.
   */
  async invalidateUserTokens(userId: string): Promise<void> {
    await this.store.set(
      this.validAfterKey(userId),
      String(Date.now()),
      (this.auth.accessTtlSeconds + 5) * 1000,
    );
  }

  /** Makes every access token of these sessions unusable from now on. */
  async denySessions(sessionIds: readonly string[]): Promise<void> {
    const ttlMs = (this.auth.accessTtlSeconds + 5) * 1000;
    await Promise.all(sessionIds.map((sid) => this.store.set(this.revokedKey(sid), '1', ttlMs)));
  }

  private validAfterKey(userId: string): string {
    return `auth:tokens-valid-after:${userId}`;
  }

  private revokedKey(sessionId: string): string {
    return `auth:revoked-session:${sessionId}`;
  }
}

/** Reads `Authorization: Bearer <jwt>` or `Authorization: Token <jwt>` (RealWorld clients). */
export function extractAccessToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^(Bearer|Token)\s+(\S+)$/i.exec(header.trim());
  return match?.[2];
}
