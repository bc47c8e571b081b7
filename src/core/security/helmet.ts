import type { RequestHandler } from 'express';
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
  const strict = helmet({ contentSecurityPolicy: { directives } });
  const relaxed = helmet({
    contentSecurityPolicy: {
      directives: { ...directives, scriptSrc: ["'self'", "'unsafe-inline'"] },
    },
  });
  return (req, res, next) =>
    (opts.relaxedPaths.some((p) => req.path.startsWith(p)) ? relaxed : strict)(req, res, next);
}
