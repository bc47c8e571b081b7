import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { doubleCsrf, type DoubleCsrfUtilities } from 'csrf-csrf';
import type { Request, Response } from 'express';
import { authConfig, type AuthConfig } from '@/config';
import { DomainError, ErrorKind } from '@/core/http/domain-error';

export class CsrfError extends DomainError {
  constructor() {
    super('SECURITY.CSRF', 'invalid or missing CSRF token', ErrorKind.Forbidden, {
      _csrf: ['is invalid or missing'],
    });
  }
}

/**
 * CSRF protection for cookie-authenticated forms: a signed double-submit token bound to the
 * session id (csrf-csrf). Pages render the token into a hidden `_csrf` field; every unsafe
 * request must send it back in the body or in `X-CSRF-Token`.
 */
@Injectable()
export class CsrfService {
  private readonly utils: DoubleCsrfUtilities;

  constructor(@Inject(authConfig.KEY) auth: AuthConfig) {
    this.utils = doubleCsrf({
      getSecret: () => auth.sessionSecret,
      getSessionIdentifier: (req) => req.session.id,
      // The __Host- prefix pins the cookie to this host and path; browsers allow it on HTTPS only.
      cookieName: auth.cookieSecure ? '__Host-stoa.csrf' : 'stoa.csrf',
      cookieOptions: { sameSite: 'lax', secure: auth.cookieSecure, httpOnly: true, path: '/' },
      getCsrfTokenFromRequest: (req: Request) => {
        const fromBody = (req.body as Record<string, unknown> | undefined)?._csrf;
        return typeof fromBody === 'string' ? fromBody : req.get('x-csrf-token');
      },
    });
  }

  /** Issues a fresh token (and cookie) for the form being rendered. */
  token(req: Request, res: Response): string {
    return this.utils.generateCsrfToken(req, res, { overwrite: true });
  }

  isValid(req: Request): boolean {
    return this.utils.validateRequest(req);
  }
}

/** Rejects unsafe requests without a valid CSRF token with 403. */
@Injectable()
export class CsrfGuard implements CanActivate {
  constructor(private readonly csrf: CsrfService) {}

  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<Request>();
    if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return true;
    if (!this.csrf.isValid(req)) throw new CsrfError();
    return true;
  }
}
