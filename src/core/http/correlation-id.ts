import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';
const SAFE_ID = /^[\w.:-]{1,128}$/;

type IdentifiedRequest = IncomingMessage & { id?: unknown };

/**
 * The request's id, assigned once: accepts a client/proxy supplied `X-Request-Id` when it is a
 * short token (so it cannot inject into logs), otherwise mints a UUID; echoes it in the
 * response. The front middleware assigns it; pino-http's `genReqId` then finds it.
 */
export function correlationId(req: IncomingMessage, res: ServerResponse): string {
  const known = (req as IdentifiedRequest).id;
  if (typeof known === 'string') return known;
  const incoming = req.headers[REQUEST_ID_HEADER];
  const candidate = Array.isArray(incoming) ? incoming[0] : incoming;
  const id = candidate && SAFE_ID.test(candidate) ? candidate : randomUUID();
  res.setHeader('X-Request-Id', id);
  (req as IdentifiedRequest).id = id;
  return id;
}

/**
 * Gives every request its id before anything else runs, so a request refused by the body
 * parser (malformed JSON, too large) still answers with `X-Request-Id` equal to the body's
 * `correlationId`.
 */
export function correlationIdMiddleware() {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    correlationId(req, res);
    next();
  };
}

/** The id pino-http attached to the request, or a fresh one outside HTTP. */
export function requestIdOf(req: unknown): string {
  const id = (req as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : randomUUID();
}
