import type { Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

/**
 * Strict CSP for everything Stoa serves: scripts only from this origin. Swagger UI and ReDoc work
 * under it because both are served locally with their init code in files; they need inline
 * styles, `data:` images and a blob worker (ReDoc). Bull Board's page bootstraps with an inline
 * script, so its path alone allows that.
 */
export function securityHeaders(opts: { relaxedPaths: string[] }): RequestHandler {
  const directives = {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:', 'https:'],
    fontSrc: ["'self'", 'data:'],
    workerSrc: ["'self'", 'blob:'],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    frameAncestors: ["'none'"],
    formAction: ["'self'"],
    baseUri: ["'self'"],
  };
  const strict = fixedHeaders(helmet({ contentSecurityPolicy: { directives } }));
  const relaxed = fixedHeaders(
    helmet({
      contentSecurityPolicy: {
        directives: { ...directives, scriptSrc: ["'self'", "'unsafe-inline'"] },
      },
    }),
  );
  return (req, res, next) =>
    (opts.relaxedPaths.some((p) => req.path.startsWith(p)) ? relaxed : strict)(req, res, next);
}

type HeaderOp = [name: string, value: number | string | readonly string[] | undefined];

/**
 * Helmet's headers are the same on every response (no directive here depends on the request),
 * so they are recorded once and replayed: one loop of `setHeader` instead of a chain of a dozen
 * middleware functions per request. A helmet option that ever needs the request (a nonce, a
 * function directive) must not go through this.
 */
function fixedHeaders(middleware: RequestHandler): RequestHandler {
  const ops: HeaderOp[] = [];
  const recorder = {
    setHeader: (name: string, value: number | string | readonly string[]) => {
      ops.push([name, value]);
    },
    removeHeader: (name: string) => {
      ops.push([name, undefined]);
    },
  };
  let done = false;
  void middleware({} as Request, recorder as unknown as Response, (error?: unknown) => {
    done = error === undefined;
  });
  if (!done) throw new Error('helmet did not set its headers synchronously and without error');
  return (_req, res, next) => {
    for (const [name, value] of ops) {
      if (value === undefined) res.removeHeader(name);
      else res.setHeader(name, value);
    }
    next();
  };
}
