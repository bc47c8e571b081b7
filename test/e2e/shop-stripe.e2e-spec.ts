import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { Role } from '@/core/auth/permissions';
import { ShopPaymentReconciliation } from '@/modules/shop/shop.processor';
import { payAsGuest, placeGuestOrder } from '../factories/shop.factory';
import { createUserWithRole } from '../factories/user.factory';
import { createTestApp, type TestApp } from '../helpers/test-app';

const SECRET = 'whsec_e2e_stripe';
const KEY = 'sk_test_e2eStripeKey';

interface Recorded {
  method: string;
  path: string;
  form: URLSearchParams;
  idempotencyKey?: string;
  authorization?: string;
}

/**
 * A stand-in for api.stripe.com: answers the three calls the adapter makes with objects of
 * Stripe's documented shapes, replays by Idempotency-Key as Stripe does, and records every
 * request the official SDK sends. It cannot prove Stripe accepts them — nothing here reaches
 * Stripe — but it pins down exactly what the adapter asks for.
 */
function fakeStripeApi() {
  const requests: Recorded[] = [];
  const intents = new Map<string, Record<string, unknown>>();
  const replies = new Map<string, { status: number; body: unknown }>();
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const key = req.headers['idempotency-key'] as string | undefined;
      const path = (req.url ?? '').split('?')[0];
      requests.push({
        method: req.method ?? '',
        path,
        form,
        idempotencyKey: key,
        authorization: req.headers.authorization,
      });
      const send = (status: number, body: unknown) => {
        if (key) replies.set(`${path}:${key}`, { status, body });
        res.writeHead(status, { 'content-type': 'application/json', 'request-id': 'req_e2e' });
        res.end(JSON.stringify(body));
      };
      const replay = key ? replies.get(`${path}:${key}`) : undefined;
      if (replay) return void send(replay.status, replay.body);
      if (req.method === 'POST' && path === '/v1/payment_intents') {
        const method = form.get('payment_method');
        if (method === 'pm_card_stripeDown')
          return void send(500, { error: { type: 'api_error' } });
        if (method === 'pm_doesnotexist') {
          return void send(400, {
            error: {
              type: 'invalid_request_error',
              code: 'resource_missing',
              param: 'payment_method',
              message: "No such PaymentMethod: 'pm_doesnotexist'",
            },
          });
        }
        const declined = method === 'pm_card_chargeDeclined';
        const id = `pi_${randomUUID().replace(/-/g, '').slice(0, 24)}`;
        const intent = {
          id,
          object: 'payment_intent',
          amount: Number(form.get('amount')),
          amount_received: declined ? 0 : Number(form.get('amount')),
          currency: form.get('currency'),
          status: declined ? 'requires_payment_method' : 'succeeded',
          client_secret: `${id}_secret_e2e`,
          created: Math.floor(Date.now() / 1000),
          metadata: { order_id: form.get('metadata[order_id]') },
          last_payment_error: declined ? { code: 'card_declined', type: 'card_error' } : null,
        };
        intents.set(id, intent);
        if (declined) {
          return void send(402, {
            error: {
              type: 'card_error',
              code: 'card_declined',
              message: 'Your card was declined.',
              payment_intent: intent,
            },
          });
        }
        return void send(200, intent);
      }
      const retrieve = /^\/v1\/payment_intents\/(pi_\w+)$/.exec(path);
      if (req.method === 'GET' && retrieve) {
        const intent = intents.get(retrieve[1]);
        return void (intent
          ? send(200, intent)
          : send(404, { error: { type: 'invalid_request_error', code: 'resource_missing' } }));
      }
      if (req.method === 'POST' && path === '/v1/refunds') {
        return void send(200, {
          id: `re_${randomUUID().replace(/-/g, '').slice(0, 24)}`,
          object: 'refund',
          amount: Number(form.get('amount')),
          payment_intent: form.get('payment_intent'),
          status: 'succeeded',
        });
      }
      send(404, { error: { type: 'invalid_request_error' } });
    });
  });
  return { server, requests, intents };
}

/** The shop with `SHOP_PAYMENT_PROVIDER=stripe`, through the official SDK, against a stand-in API. */
describe('Shop — Stripe payment provider (e2e)', () => {
  const api = fakeStripeApi();
  const stripe = new Stripe('sk_test_signing_only');
  let t: TestApp;
  let staff: { token: string };

  beforeAll(async () => {
    await new Promise<void>((r) => api.server.listen(0, '127.0.0.1', r));
    t = await createTestApp({
      workers: true,
      env: {
        SHOP_PAYMENT_PROVIDER: 'stripe',
        STRIPE_SECRET_KEY: KEY,
        STRIPE_API_URL: `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`,
        SHOP_WEBHOOK_SECRET: SECRET,
        SHOP_PAYMENT_RECONCILE_AFTER_SECONDS: '1',
      },
    });
    staff = await createUserWithRole(t, Role.Admin);
  });

  afterAll(async () => {
    await t.close();
    await new Promise((r) => api.server.close(r));
  });

  const guestOrder = () => placeGuestOrder(t, { priceMinor: 3000, email: 'stripe@example.com' });
  const pay = (cartId: string, paymentMethod: string) => payAsGuest(t, cartId, paymentMethod);

  const intentOf = (cartId: string) =>
    t.dataSource
      .query<{ provider_payment_id: string; status: string }[]>(
        `SELECT p.provider_payment_id, p.status FROM shop_payments p
         JOIN shop_orders o ON o.id = p.order_id WHERE o.cart_id = $1`,
        [cartId],
      )
      .then((rows) => rows[0]);

  /** Posts an event in Stripe's format, signed by Stripe's own SDK, to the webhook. */
  const deliver = (type: string, intent: Record<string, unknown>) => {
    const payload = JSON.stringify({
      id: `evt_${randomUUID().replace(/-/g, '')}`,
      object: 'event',
      api_version: '2025-01-27.acacia',
      created: Math.floor(Date.now() / 1000),
      type,
      data: { object: intent },
    });
    return t
      .http()
      .post('/api/v1/shop/webhooks/stripe')
      .set('Content-Type', 'application/json')
      .set(
        'Stripe-Signature',
        stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET }),
      )
      .send(payload);
  };

  async function orderWhen(cartId: string, status: string) {
    let order = { status: '', captured: { amount: 0 }, refunded: { amount: 0 } };
    for (let i = 0; i < 60 && order.status !== status; i++) {
      order = (
        (await t.http().get(`/api/v1/shop/carts/${cartId}/order`).expect(200)).body as {
          order: typeof order;
        }
      ).order;
      if (order.status !== status) await new Promise((r) => setTimeout(r, 100));
    }
    return order;
  }

  it('should create a confirmed PaymentIntent, learn the payment by webhook, and refund', async () => {
    const { cartId, number, total } = await guestOrder();
    const paid = await pay(cartId, 'pm_card_visa').expect(201);
    const { provider_payment_id: intentId } = await intentOf(cartId);
    expect((paid.body as { payment: { clientSecret: string } }).payment.clientSecret).toBe(
      `${intentId}_secret_e2e`,
    );
    const create = api.requests.find((r) => r.path === '/v1/payment_intents')!;
    expect(create.authorization).toBe(`Bearer ${KEY}`);
    expect(create.idempotencyKey).toMatch(/^order-.+-attempt-1$/);
    expect(Object.fromEntries(create.form)).toMatchObject({
      amount: String(total),
      currency: 'eur',
      payment_method: 'pm_card_visa',
      confirm: 'true',
      'automatic_payment_methods[enabled]': 'true',
      'automatic_payment_methods[allow_redirects]': 'never',
    });
    expect(create.form.get('metadata[order_id]')).toMatch(/^[0-9a-f-]{36}$/);

    // Until Stripe says so, nothing is paid; its signed event does it.
    expect((await orderWhen(cartId, 'pending_payment')).status).toBe('pending_payment');
    await deliver('payment_intent.succeeded', api.intents.get(intentId)!).expect(200);
    expect(await orderWhen(cartId, 'paid')).toMatchObject({ captured: { amount: total } });

    const key = randomUUID();
    for (let i = 0; i < 2; i++) {
      await t
        .http()
        .post(`/api/v1/shop/orders/${number}/refunds`)
        .set('Authorization', `Token ${staff.token}`)
        .set('Idempotency-Key', key)
        .send({ amount: { amount: 1000, currency: 'EUR' } })
        .expect(201);
    }
    const refunds = api.requests.filter((r) => r.path === '/v1/refunds');
    expect(refunds).toHaveLength(1);
    expect(Object.fromEntries(refunds[0].form)).toEqual({
      payment_intent: intentId,
      amount: '1000',
    });
    expect(refunds[0].idempotencyKey).toBe(
      `refund-${create.form.get('metadata[order_id]')}-${key}`,
    );
    expect((await orderWhen(cartId, 'partially_refunded')).refunded.amount).toBe(1000);
  });

  it('should record a declined card as a failed payment and leave the order payable', async () => {
    const { cartId } = await guestOrder();
    await pay(cartId, 'pm_card_chargeDeclined').expect(201);
    const { provider_payment_id: intentId, status: right } = await intentOf(cartId);
    expect(right).toBe('failed'); // the card error already said so
    await deliver('payment_intent.payment_failed', api.intents.get(intentId)!).expect(200);
    let status = '';
    for (let i = 0; i < 50 && status !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await intentOf(cartId)).status;
    }
    expect(status).toBe('failed');
    expect((await orderWhen(cartId, 'pending_payment')).status).toBe('pending_payment');
    // Another card: a new attempt, a new PaymentIntent.
    await pay(cartId, 'pm_card_visa').expect(201);
    const attempts = api.requests.filter(
      (r) => r.path === '/v1/payment_intents' && r.method === 'POST',
    );
    expect(attempts.at(-1)!.idempotencyKey).toMatch(/-attempt-2$/);
    // A payment method Stripe does not know is the customer's error: 422, not 500.
    const { cartId: other } = await guestOrder();
    const refused = await pay(other, 'pm_doesnotexist').expect(422);
    expect((refused.body as { code: string }).code).toBe('SHOP.PAYMENT_REFUSED');
  });

  it('should learn a payment whose webhook never came by retrieving its PaymentIntent', async () => {
    const { cartId, total } = await guestOrder();
    await pay(cartId, 'pm_card_visa').expect(201);
    await new Promise((r) => setTimeout(r, 1100));
    await t.app.get(ShopPaymentReconciliation).run();
    const { provider_payment_id: intentId } = await intentOf(cartId);
    expect(api.requests.some((r) => r.method === 'GET' && r.path.endsWith(intentId))).toBe(true);
    expect(await orderWhen(cartId, 'paid')).toMatchObject({ captured: { amount: total } });
  });

  it('should answer 503 when Stripe fails, store nothing, and refuse unsigned or foreign webhooks', async () => {
    const { cartId } = await guestOrder();
    const down = await pay(cartId, 'pm_card_stripeDown').expect(503);
    expect((down.body as { code: string }).code).toBe('SHOP.PAYMENT_PROVIDER_UNAVAILABLE');
    expect(await intentOf(cartId)).toBeUndefined();

    const payload = JSON.stringify({ id: 'evt_x', object: 'event', created: 1, type: 'x' });
    await t
      .http()
      .post('/api/v1/shop/webhooks/stripe')
      .set('Content-Type', 'application/json')
      .set('Stoa-Signature', stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET }))
      .send(payload)
      .expect(400);
    await t
      .http()
      .post('/api/v1/shop/webhooks/fake')
      .set('Content-Type', 'application/json')
      .send(payload)
      .expect(404);
  });
});
