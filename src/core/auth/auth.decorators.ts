import {
  createParamDecorator,
  SetMetadata,
  type ExecutionContext,
  applyDecorators,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOAuth2,
  ApiForbiddenResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorBody } from '@/core/http/error-body';
import { requestOf } from './request-context';
import type { AuthUser, Permission } from './permissions';

export const IS_PUBLIC = 'stoa:isPublic';
export const REQUIRED_PERMISSIONS = 'stoa:requiredPermissions';
export const COOKIE_SESSION = 'stoa:cookieSession';

/**
 * Opts a route or resolver out of the global deny-by-default guard. A valid token, if sent, is
 * still read so handlers can personalise (RealWorld's "optional authentication").
 *
 * `readToken: false` leaves the Authorization header alone for routes with their own scheme
 * (the metrics scrape token).
 *
 * @example
 * @Public() @Get('profiles/:username') getProfile(...) {}
 */
export const Public = (options: { readToken?: boolean } = {}) =>
  SetMetadata(IS_PUBLIC, options.readToken === false ? 'ignore-token' : true);

/**
 * Requires an authenticated caller whose role grants every listed permission.
 *
 * @example
 * @RequirePermissions(Permission.UsersManage) @Patch(':id/role') changeRole(...) {}
 */
export const RequirePermissions = (...permissions: [Permission, ...Permission[]]) =>
  applyDecorators(
    SetMetadata(REQUIRED_PERMISSIONS, permissions),
    ApiBearerAuth('bearer'),
    ApiOAuth2([], 'oauth2'),
    ApiUnauthorizedResponse({ description: 'Missing, invalid or revoked token', type: ErrorBody }),
    ApiForbiddenResponse({ description: 'Role lacks a required permission', type: ErrorBody }),
  );

/**
 * Lets a server-rendered page take its identity from the cookie session (`/account/login`)
 * when no bearer token is sent. Only such routes (and the queue dashboard) accept the cookie, and
 * each of them checks CSRF (form token, or same-origin for the dashboard's XHRs).
 */
export const UsesCookieSession = () => SetMetadata(COOKIE_SESSION, true);

/**
 * The authenticated caller (`undefined` on public routes without a token).
 *
 * @example
 * @Get('user') me(@CurrentUser() user: AuthUser) {}
 */
export const CurrentUser = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): AuthUser | undefined => requestOf(ctx)?.user,
);
