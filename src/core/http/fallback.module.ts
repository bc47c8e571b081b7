import { Injectable, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Express, NextFunction, Request, Response } from 'express';
import { NotFoundError } from './domain-error';
import { normalizeError } from './all-exceptions.filter';
import { requestIdOf } from './correlation-id';

/**
 * The last word for requests no Nest route or static file answered (paths outside `/api`), and
 * for errors raised by Express itself before Nest sees the request (a malformed URL): the same
 * JSON error body as everywhere else, instead of Express's HTML pages. Registered after Nest's
 * own routes and handlers (application bootstrap runs after the router is set up).
 */
@Injectable()
export class HttpFallback implements OnApplicationBootstrap {
  private readonly logger = new Logger(HttpFallback.name);

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onApplicationBootstrap(): void {
    const express = this.adapterHost.httpAdapter?.getInstance<Express>();
    if (!express) return; // worker and CLI roles serve no HTTP
    const send = (req: Request, res: Response, error: unknown) => {
      const body = normalizeError(error);
      if (body.statusCode >= 500) this.logger.error({ err: error }, 'unhandled HTTP error');
      if (!res.headersSent)
        res.status(body.statusCode).json({ ...body, correlationId: requestIdOf(req) });
    };
    express.use((req: Request, res: Response) =>
      send(req, res, new NotFoundError('route', 'HTTP.NOT_FOUND')),
    );
    express.use((error: unknown, req: Request, res: Response, _next: NextFunction) =>
      send(req, res, error),
    );
  }
}

@Module({ providers: [HttpFallback] })
export class HttpFallbackModule {}
