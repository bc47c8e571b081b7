import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplication } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { NextFunction, Request, Response } from 'express';
import { AccessTokenService, extractAccessToken } from '@/core/auth/access-token.service';
import { Permission, roleHasPermissions, type AuthUser } from '@/core/auth/permissions';
import { normalizeError } from '@/core/http/all-exceptions.filter';
import { requestIdOf } from '@/core/http/correlation-id';
import { MissingPermissionError, UnauthenticatedError } from '@/core/auth/auth.errors';
import { CsrfError } from '@/core/security/csrf';
import { QueueName } from './queue.constants';

export const QUEUE_BOARD_PATH = '/admin/queues';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Browsers mark same-origin XHRs (Sec-Fetch-Site) and send Origin on unsafe methods. */
function isSameOrigin(req: Request): boolean {
  if (req.get('sec-fetch-site') === 'same-origin') return true;
  const origin = req.get('origin');
  return origin !== undefined && origin === `${req.protocol}://${req.get('host')}`;
}

/**
 * Admins-only access to the dashboard, which is plain Express (outside Nest's guards): a bearer
 * token, or the cookie session from `/account/login` so a browser can open it.
 */
function requireQueuesPermission(tokens: AccessTokenService, resolve: CookieIdentityResolver) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      const bearer = extractAccessToken(req.headers.authorization);
      // A cookie session is re-read on every request: it must still be active, and the role is
      // the user's current one (a demoted admin loses the dashboard at once).
      const cookie = bearer ? undefined : await tokens.fromCookieSession(req);
      const user: AuthUser | undefined = bearer
        ? await tokens.verify(bearer)
        : cookie && (await resolve(cookie.sessionId));
      if (!user) {
        if (req.accepts(['html', 'json']) === 'html') {
          res.redirect(303, `/account/login?next=${encodeURIComponent(QUEUE_BOARD_PATH)}`);
          return;
        }
        throw new UnauthenticatedError();
      }
      if (!roleHasPermissions(user.role, [Permission.QueuesView])) {
        throw new MissingPermissionError([Permission.QueuesView]);
      }
      // The dashboard's actions (retry, clean, pause) are cookie-authenticated XHRs: refuse
      // any that a foreign site could make a browser send (CSRF).
      if (cookie && !SAFE_METHODS.has(req.method) && !isSameOrigin(req)) throw new CsrfError();
      next();
    } catch (error) {
      const body = normalizeError(error);
      res.status(body.statusCode).json({ ...body, correlationId: requestIdOf(req) });
    }
  };
}

/** Finds the current identity of a cookie session (active row, current role). */
export type CookieIdentityResolver = (sessionId: string) => Promise<AuthUser | undefined>;

/** Mounts Bull Board for every queue of the app at `/admin/queues`. */
export function mountQueueBoard(app: INestApplication, resolve: CookieIdentityResolver): void {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUE_BOARD_PATH);
  const queues = Object.values(QueueName).map(
    (name) =>
      new BullMQAdapter(app.get<Queue>(getQueueToken(name), { strict: false }), {
        readOnlyMode: false,
      }),
  );
  createBullBoard({ queues, serverAdapter, options: { uiConfig: { boardTitle: 'Stoa queues' } } });
  app.use(
    QUEUE_BOARD_PATH,
    requireQueuesPermission(app.get(AccessTokenService), resolve),
    serverAdapter.getRouter(),
  );
}
