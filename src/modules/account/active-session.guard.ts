import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { destroySession } from '@/core/security/cookie-session';
import type { Request } from 'express';
import { UnauthenticatedError } from '@/core/auth/auth.errors';
import type { AuthUser } from '@/core/auth/permissions';
import { SessionsService } from '@/modules/auth';

/**
 * Cookie sessions outlive the access-token denylist, so pages re-check that the underlying
 * `sessions` row is still active and drop the cookie session when it is not.
 */
@Injectable()
export class ActiveSessionGuard implements CanActivate {
  constructor(private readonly sessions: SessionsService) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<Request & { user?: AuthUser }>();
    if (!req.user) return true; // the global guard already decided
    if (await this.sessions.isActive(req.user.sessionId)) return true;
    await destroySession(req);
    throw new UnauthenticatedError('session has ended');
  }
}
