import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures in the scheme Stripe documents: header `t=<unix seconds>,v1=<hex>`, where
 * v1 = HMAC-SHA256(secret, `${t}.${rawBody}`). Verified on the raw bytes before anything is
 * parsed; the timestamp bounds replay of a captured request to the tolerance window.
 */
export function signWebhook(secret: string, rawBody: Buffer | string, at = new Date()): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${hmac(secret, t, rawBody)}`;
}

export type SignatureProblem = 'missing' | 'malformed' | 'mismatch' | 'stale';

/** `undefined` when the signature is valid and fresh; otherwise why not. */
export function verifyWebhook(
  secret: string,
  header: string | undefined,
  rawBody: Buffer,
  toleranceSeconds: number,
  now = new Date(),
): SignatureProblem | undefined {
  if (!header) return 'missing';
  const parts = header.split(',').map((p) => p.trim().split('='));
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  const candidates = parts.filter(([k, v]) => k === 'v1' && /^[0-9a-f]{64}$/.test(v ?? ''));
  if (!Number.isInteger(t) || candidates.length === 0) return 'malformed';
  const expected = Buffer.from(hmac(secret, t, rawBody), 'hex');
  const matches = candidates.some(([, v]) => timingSafeEqual(Buffer.from(v, 'hex'), expected));
  if (!matches) return 'mismatch';
  if (Math.abs(now.getTime() / 1000 - t) > toleranceSeconds) return 'stale';
  return undefined;
}

function hmac(secret: string, t: number, rawBody: Buffer | string): string {
  return createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest('hex');
}
