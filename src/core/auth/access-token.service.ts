import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { Request } from 'express';
import '@/core/security/session-data';
import { authConfig, type AuthConfig } from '@/config';
import { KeyValueStore } from '@/core/redis/key-value.store';
import { InvalidTokenError, SessionRevokedError } from './auth.errors';
import { Role, type AuthUser } from './permissions';

interface AccessClaims {
  sub: string;
  sid: string;
  role: Role;
  typ: 'access';
}

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
    const claims: AccessClaims = { sub: user.id, sid: sessionId, role: user.role, typ: 'access' };
    return this.jwt.signAsync(claims, { expiresIn: this.auth.accessTtlSeconds });
  }

  async verify(token: string): Promise<AuthUser> {
    let claims: AccessClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessClaims>(token, { algorithms: ['HS256'] });
    } catch {
      throw new InvalidTokenError();
    }
    if (claims.typ !== 'access' || !claims.sid || !ROLES.has(claims.role))
      throw new InvalidTokenError();
    if (await this.store.get(this.revokedKey(claims.sid))) throw new SessionRevokedError();
    return { id: claims.sub, role: claims.role, sessionId: claims.sid };
  }

  /**
   * The identity stored in the cookie session by `/account/login`, unless that session was
   * revoked (the same denylist as access tokens; pages re-check the row as well).
   */
  async fromCookieSession(req: Request): Promise<AuthUser | undefined> {
    const auth = req.session?.auth;
    if (!auth) return undefined;
    if (await this.store.get(this.revokedKey(auth.sessionId))) return undefined;
    return auth;
  }

  /** Makes every access token of these sessions unusable from now on. */
  async denySessions(sessionIds: readonly string[]): Promise<void> {
    const ttlMs = (this.auth.accessTtlSeconds + 5) * 1000;
    await Promise.all(sessionIds.map((sid) => this.store.set(this.revokedKey(sid), '1', ttlMs)));
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
