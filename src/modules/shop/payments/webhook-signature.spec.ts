import Stripe from 'stripe';
import { signWebhook, verifyWebhook } from './webhook-signature';

describe('webhook signatures', () => {
  const secret = 'whsec_test';
  const body = Buffer.from('{"id":"evt_1","type":"payment.succeeded"}');
  const now = new Date('2026-11-25T12:00:00Z');

  it('should accept its own signature within the tolerance', () => {
    expect(verifyWebhook(secret, signWebhook(secret, body, now), body, 300, now)).toBeUndefined();
    const earlier = new Date(now.getTime() - 299_000);
    expect(
      verifyWebhook(secret, signWebhook(secret, body, earlier), body, 300, now),
    ).toBeUndefined();
  });

  it('should match the documented scheme: HMAC-SHA256 over "t.body", hex', () => {
    // Independent computation of the same scheme.
    const { createHmac } = jest.requireActual<typeof import('node:crypto')>('node:crypto');
    const t = Math.floor(now.getTime() / 1000);
    const v1 = createHmac('sha256', secret).update(`${t}.${body.toString()}`).digest('hex');
    expect(signWebhook(secret, body, now)).toBe(`t=${t},v1=${v1}`);
  });

  it('should refuse tampering, other secrets, staleness and garbage', () => {
    const header = signWebhook(secret, body, now);
    expect(verifyWebhook(secret, header, Buffer.from(`${body.toString()} `), 300, now)).toBe(
      'mismatch',
    );
    expect(verifyWebhook('other', header, body, 300, now)).toBe('mismatch');
    const late = new Date(now.getTime() + 301_000);
    expect(verifyWebhook(secret, header, body, 300, late)).toBe('stale');
    expect(verifyWebhook(secret, undefined, body, 300, now)).toBe('missing');
    expect(verifyWebhook(secret, 't=abc,v1=zz', body, 300, now)).toBe('malformed');
    expect(verifyWebhook(secret, `v1=${'0'.repeat(64)}`, body, 300, now)).toBe('malformed');
  });

  it('should accept any of several v1 signatures (secret rotation)', () => {
    const good = signWebhook(secret, body, now);
    const t = good.split(',')[0];
    const header = `${t},v1=${'0'.repeat(64)},${good.split(',')[1]}`;
    expect(verifyWebhook(secret, header, body, 300, now)).toBeUndefined();
  });
});

/** Interoperability with Stripe's own implementation (the official `stripe` SDK). */
describe('webhook signatures and Stripe', () => {
  const stripe = new Stripe('sk_test_interop');
  const secret = 'whsec_interop';
  const payload = JSON.stringify({
    id: 'evt_1',
    object: 'event',
    type: 'payment_intent.succeeded',
  });

  it("should accept what Stripe's SDK signs, and refuse it tampered or too old", () => {
    const header = stripe.webhooks.generateTestHeaderString({ payload, secret });
    expect(verifyWebhook(secret, header, Buffer.from(payload), 300)).toBeUndefined();
    expect(verifyWebhook(secret, header, Buffer.from(payload.replace('1', '2')), 300)).toBe(
      'mismatch',
    );
    const old = stripe.webhooks.generateTestHeaderString({
      payload,
      secret,
      timestamp: Math.floor(Date.now() / 1000) - 301,
    });
    expect(verifyWebhook(secret, old, Buffer.from(payload), 300)).toBe('stale');
  });

  it("should sign so that Stripe's SDK verifies it (the same scheme both ways)", () => {
    const event = stripe.webhooks.constructEvent(payload, signWebhook(secret, payload), secret);
    expect(event.id).toBe('evt_1');
    expect(() =>
      stripe.webhooks.constructEvent(payload, signWebhook('whsec_other', payload), secret),
    ).toThrow(Stripe.errors.StripeSignatureVerificationError);
  });
});
