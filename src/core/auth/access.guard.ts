import { Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { extractAccessToken, AccessTokenService } from './access-token.service';
import { COOKIE_SESSION, IS_PUBLIC, REQUIRED_PERMISSIONS } from './auth.decorators';
import { MissingPermissionError, UnauthenticatedError } from './auth.errors';
import { roleHasPermissions, type Permission } from './permissions';
import { requestOf } from './request-context';

/**
 * The global guard: deny by default. A handler must be `@Public()` or declare
 * `@RequirePermissions(...)`; anything else is refused even for admins, so a forgotten
 * decorator fails closed (and the route meta-test catches it before it ships).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger(AccessGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: AccessTokenService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    const publicMode = this.reflector.getAllAndOverride<boolean | 'ignore-token'>(
      IS_PUBLIC,
      targets,
    );
    const isPublic = publicMode !== undefined && publicMode !== false;
    if (publicMode === 'ignore-token') return true;
    const required = this.reflector.getAllAndOverride<Permission[]>(REQUIRED_PERMISSIONS, targets);
    if (isPublic && required?.length) {
      // A class-level @Public() would silently win over a method's permissions: refuse.
      throw new Error(
        `${ctx.getClass().name}.${ctx.getHandler().name} is both @Public() and @RequirePermissions()`,
      );
    }
    const req = requestOf(ctx);
    if (!req) return isPublic; // other transports authenticate in their own adapters

    const token = extractAccessToken(req.headers.authorization);
    // An invalid token is an error even on public routes: clients must learn it expired.
    if (token) req.user = await this.tokens.verify(token);
    else if (this.reflector.getAllAndOverride<boolean>(COOKIE_SESSION, targets)) {
      req.user = await this.tokens.fromCookieSession(req);
    }

    if (isPublic) return true;
    if (!required?.length) {
      this.logger.error(`${ctx.getClass().name}.${ctx.getHandler().name} has no access policy`);
      throw new MissingPermissionError(['<undeclared>']);
    }
    if (!req.user) throw new UnauthenticatedError();
    if (!roleHasPermissions(req.user.role, required)) throw new MissingPermissionError(required);
    return true;
  }
}
