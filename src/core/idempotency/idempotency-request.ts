import { createHash } from 'node:crypto';
import { InvalidIdempotencyKeyError } from './idempotency.errors';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

/** Printable ASCII (space to `~`), as Stripe allows, up to 255 characters. */
const VALID_KEY = /^[\x20-\x7e]{1,255}$/;

/**
 * The key sent in `Idempotency-Key`, `undefined` when the header is absent. Anything else than
 * 1–255 printable ASCII characters is refused, so a key can be stored, logged and compared as is.
 */
export function parseIdempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || !VALID_KEY.test(header)) {
    throw new InvalidIdempotencyKeyError();
  }
  return header;
}

/** JSON with object keys sorted at every level, so `{a,b}` and `{b,a}` are the same request. */
export function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object' && !(v instanceof Date)) {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return JSON.stringify(sort(value)) ?? 'null';
}

/**
 * What makes two requests "the same" for a key: sha256 over the method, the path with its query
 * string as sent, and the canonical JSON body. Headers are left out on purpose (a retry may carry
 * a refreshed token or another request id).
 */
export function requestFingerprint(method: string, url: string, body: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify([method.toUpperCase(), url, canonicalJson(body ?? null)]))
    .digest('hex');
}
