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
import { MissingPermissionError } from '@/core/auth/auth.errors';
import { QueueName } from './queue.constants';

export const QUEUE_BOARD_PATH = '/admin/queues';

/**
 * Admins-only access to the dashboard, which is plain Express (outside Nest's guards): a bearer
 * token, or the cookie session from `/account/login` so a browser can open it.
 */
function requireQueuesPermission(tokens: AccessTokenService) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      const bearer = extractAccessToken(req.headers.authorization);
      const user: AuthUser | undefined = bearer
        ? await tokens.verify(bearer)
        : await tokens.fromCookieSession(req);
      if (!user) {
        if (req.accepts(['html', 'json']) === 'html') {
          res.redirect(303, `/account/login?next=${encodeURIComponent(QUEUE_BOARD_PATH)}`);
          return;
        }
        const error = normalizeError(new MissingPermissionError([Permission.QueuesView]));
        res.status(401).json({
          ...error,
          statusCode: 401,
          code: 'AUTH.UNAUTHENTICATED',
          correlationId: requestIdOf(req),
        });
        return;
      }
      if (!roleHasPermissions(user.role, [Permission.QueuesView])) {
        throw new MissingPermissionError([Permission.QueuesView]);
      }
      next();
    } catch (error) {
      const body = normalizeError(error);
      res.status(body.statusCode).json({ ...body, correlationId: requestIdOf(req) });
    }
  };
}

/** Mounts Bull Board for every queue of the app at `/admin/queues`. */
export function mountQueueBoard(app: INestApplication): void {
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
    requireQueuesPermission(app.get(AccessTokenService)),
    serverAdapter.getRouter(),
  );
}
