import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { REQUIRED_PERMISSIONS } from '@/core/auth/auth.decorators';
import { MissingPermissionError, UnauthenticatedError } from '@/core/auth/auth.errors';
import { roleHasPermissions, type AuthUser, type Permission } from '@/core/auth/permissions';
import { destroySession } from '@/core/security/cookie-session';
import { SessionsService } from '@/modules/auth';

/**
 * Cookie sessions live for days, longer than the access-token denylist and any role in them, so
 * every page re-reads the `sessions` row and the user's current role: a revoked session ends the
 * cookie session, a changed role applies at once (permissions are checked again with it).
 */
@Injectable()
export class ActiveSessionGuard implements CanActivate {
  constructor(
    private readonly sessions: SessionsService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<Request & { user?: AuthUser }>();
    if (!req.user) return true; // the global guard already decided
    const current = await this.sessions.resolveIdentity(req.user.sessionId);
    if (!current) {
      await destroySession(req);
      throw new UnauthenticatedError('session has ended');
    }
    req.user = current;
    if (req.session.auth) req.session.auth.role = current.role;
    const required = this.reflector.getAllAndOverride<Permission[] | undefined>(
      REQUIRED_PERMISSIONS,
      [ctx.getHandler(), ctx.getClass()],
    );
    if (required?.length && !roleHasPermissions(current.role, required)) {
      throw new MissingPermissionError(required);
    }
    return true;
  }
}
