import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { UnauthenticatedError } from '@/core/auth/auth.errors';
import { normalizeError } from '@/core/http/all-exceptions.filter';
import { requestIdOf } from '@/core/http/correlation-id';

/**
 * HTML pages answer errors as pages: a missing login redirects to the login form, anything
 * else renders the error page with the same status and code the JSON API would use.
 */
@Catch()
export class AccountPageFilter implements ExceptionFilter {
  private readonly logger = new Logger(AccountPageFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    if (exception instanceof UnauthenticatedError && req.method === 'GET') {
      res.redirect(303, `/account/login?next=${encodeURIComponent(req.originalUrl)}`);
      return;
    }
    const error = normalizeError(exception);
    if (error.statusCode >= 500) this.logger.error({ err: exception }, 'account page failed');
    res.status(error.statusCode).render('account/error', {
      title: 'Something went wrong',
      error,
      correlationId: requestIdOf(req),
    });
  }
}
