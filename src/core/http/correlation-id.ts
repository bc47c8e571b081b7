import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';
const SAFE_ID = /^[\w.:-]{1,128}$/;

/**
 * Accepts a client/proxy supplied `X-Request-Id` when it is a short token (so it cannot inject
 * into logs), otherwise mints a UUID; echoes it in the response. Used as pino-http's `genReqId`.
 */
export function correlationId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers[REQUEST_ID_HEADER];
  const candidate = Array.isArray(incoming) ? incoming[0] : incoming;
  const id = candidate && SAFE_ID.test(candidate) ? candidate : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/** The id pino-http attached to the request, or a fresh one outside HTTP. */
export function requestIdOf(req: unknown): string {
  const id = (req as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : randomUUID();
}
