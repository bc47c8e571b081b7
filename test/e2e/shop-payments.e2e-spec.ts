import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { Role } from '@/core/auth/permissions';
import { QueueName, ShopJob } from '@/core/queue/queue.constants';
import { signWebhook, verifyWebhook } from '@/modules/shop/payments/webhook-signature';
import { ShopEventsSweep, ShopPaymentReconciliation } from '@/modules/shop/shop.processor';
import { createVariant, payAsGuest, placeGuestOrder } from '../factories/shop.factory';
import { createUserWithRole, registerUser, type RegisteredUser } from '../factories/user.factory';
import { createTestApp, type TestApp } from '../helpers/test-app';

interface Money {
  amount: number;
  currency: string;
}
interface Order {
  number: string;
  status: string;
  totals: { total: Money };
  captured: Money;
  refunded: Money;
  history: { from: string | null; to: string; note: string | null }[];
}

const SECRET = 'test-webhook-secret';
const address = { name: 'A', line1: '1 Road', city: 'Town', postalCode: '12345', country: 'DE' };
const as = (u?: { token: string }): Record<string, string> =>
  u ? { Authorization: `Token ${u.token}` } : {};

/**
 * Payments through the built-in fake provider, which calls the webhook over real HTTP with real
 * signatures, fails, duplicates and reorders events on request — and the webhook endpoint
 * refusing anything not signed with the shared secret.
 */
describe('Shop — payments, webhooks, refunds (e2e)', () => {
  let t: TestApp;
  let admin: { token: string };

  beforeAll(async () => {
    t = await createTestApp({
      workers: true,
      env: {
        SHOP_WEBHOOK_SECRET: SECRET,
        SHOP_FAKE_PROVIDER_DELAY_MS: '20',
        SHOP_WEBHOOK_RETRY_BASE_MS: '100',
      },
    });
    await t.app.listen(0, '127.0.0.1'); // the fake provider calls back to this address
    admin = await createUserWithRole(t, Role.Admin);
  });

  afterAll(async () => {
    await t.close();
  });

  async function order(customer: RegisteredUser, stock = 5) {
    const variantId = await createVariant(t, { priceMinor: 2500, onHand: stock });
    const cartId = (
      (await t.http().post('/api/v1/shop/carts').set(as(customer)).expect(201)).body as {
        cart: { id: string };
      }
    ).cart.id;
    await t
      .http()
      .put(`/api/v1/shop/carts/${cartId}/items/${variantId}`)
      .set(as(customer))
      .send({ quantity: 2 })
      .expect(200);
    const placed = (
      await t
        .http()
        .post(`/api/v1/shop/carts/${cartId}/checkout`)
        .set(as(customer))
        .send({ shippingAddress: address })
        .expect(201)
    ).body as { order: Order };
    return { order: placed.order, variantId };
  }

  const pay = (
    customer: RegisteredUser,
    number: string,
    paymentMethod: string,
    key = randomUUID(),
  ) =>
    t
      .http()
      .post(`/api/v1/shop/orders/${number}/payments`)
      .set(as(customer))
      .set('Idempotency-Key', key)
      .send({ paymentMethod });

  async function until(customer: RegisteredUser, number: string, status: string): Promise<Order> {
    let current: Order | undefined;
    for (let i = 0; i < 80; i++) {
      current = (
        (await t.http().get(`/api/v1/shop/orders/${number}`).set(as(customer)).expect(200))
          .body as {
          order: Order;
        }
      ).order;
      if (current.status === status) return current;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`order ${number} stayed ${current?.status ?? '?'}, expected ${status}`);
  }

  const stock = async (variantId: string) =>
    (
      await t.dataSource.query<{ on_hand: number; reserved: number }[]>(
        'SELECT on_hand, reserved FROM shop_variants WHERE id = $1',
        [variantId],
      )
    )[0];

  /** Receipt mails recorded for an order, waiting a little for the outbox and the mail job. */
  async function receipts(number: string): Promise<string[]> {
    let rows: { status: string }[] = [];
    for (let i = 0; i < 50; i++) {
      rows = await t.dataSource.query<{ status: string }[]>(
        `SELECT d.status FROM mail_deliveries d JOIN shop_orders o ON d.key = 'order-receipt:' || o.id
         WHERE o.number = $1`,
        [number],
      );
      if (rows.some((r) => r.status === 'sent')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    return rows.map((r) => r.status);
  }

  const outcomes = async (like: string) =>
    (
      await t.dataSource.query<{ type: string; outcome: string | null }[]>(
        `SELECT type, outcome FROM shop_webhook_events WHERE payload->'data'->>'payment' LIKE $1 ORDER BY id`,
        [like],
      )
    ).map((r) => `${r.type}: ${r.outcome ?? 'pending'}`);

  /** A pending payment row for an order, as if the provider had created it. */
  async function pendingPayment(number: string, providerPaymentId: string, amount: number) {
    await t.dataSource.query(
      `INSERT INTO shop_payments (order_id, provider, provider_payment_id, amount_minor, currency)
       SELECT id, 'fake', $2, $3, 'EUR' FROM shop_orders WHERE number = $1`,
      [number, providerPaymentId, amount],
    );
  }

  /** The provider's success event for a payment, as a raw JSON body. */
  const succeededEvent = (providerPaymentId: string, amount: number) =>
    JSON.stringify({
      id: `evt_${randomUUID()}`,
      type: 'payment.succeeded',
      created: Math.floor(Date.now() / 1000),
      data: { payment: providerPaymentId, amount, currency: 'EUR' },
    });

  /** Posts a body to the webhook signed with the shared secret, as the provider would. */
  const deliverSigned = (body: string) =>
    t
      .http()
      .post('/api/v1/shop/webhooks/fake')
      .set('Content-Type', 'application/json')
      .set('Stoa-Signature', signWebhook(SECRET, body))
      .send(body)
      .expect(200);

  /** Waits until the stored events of a payment are processed; returns their outcomes. */
  async function settled(providerPaymentId: string): Promise<string[]> {
    for (let i = 0; i < 50 && (await outcomes(providerPaymentId))[0]?.endsWith('pending'); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    return outcomes(providerPaymentId);
  }

  it('should pay through a signed webhook, sell the held stock, then refund in parts', async () => {
    const customer = await registerUser(t);
    const { order: placed, variantId } = await order(customer);
    const res = await pay(customer, placed.number, 'pm_card_visa').expect(201);
    const payment = (
      res.body as { payment: { status: string; amount: Money; clientSecret: string } }
    ).payment;
    expect(payment).toMatchObject({ status: 'requires_payment', amount: placed.totals.total });
    expect(payment.clientSecret).toMatch(/^fpi_/);
    const paid = await until(customer, placed.number, 'paid');
    expect(paid.captured).toEqual(placed.totals.total);
    expect(await stock(variantId)).toEqual({ on_hand: 3, reserved: 0 });
    expect(await receipts(placed.number)).toEqual(['sent']);
    // The client cannot pay twice.
    const again = await pay(customer, placed.number, 'pm_card_visa').expect(201);
    expect((again.body as { payment: { status: string } }).payment.status).toBe('succeeded');

    const total = placed.totals.total.amount;
    const refund = (amount: number, key = randomUUID()) =>
      t
        .http()
        .post(`/api/v1/shop/orders/${placed.number}/refunds`)
        .set(as(admin))
        .set('Idempotency-Key', key)
        .send({ amount: { amount, currency: 'EUR' }, reason: 'goodwill' });
    await t
      .http()
      .post(`/api/v1/shop/orders/${placed.number}/refunds`)
      .set(as(customer))
      .set('Idempotency-Key', randomUUID())
      .send({ amount: { amount: 1, currency: 'EUR' } })
      .expect(403);
    const key = randomUUID();
    const partial = (await refund(1000, key).expect(201)).body as { order: Order };
    expect(partial.order).toMatchObject({
      status: 'partially_refunded',
      refunded: { amount: 1000 },
    });
    const replay = await refund(1000, key).expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const tooMuch = await refund(total).expect(422);
    expect((tooMuch.body as { code: string }).code).toBe('SHOP.REFUND_EXCEEDS_CAPTURED');
    await refund(1, randomUUID()).set('Idempotency-Key', key).expect(422); // same key, other body
    await t
      .http()
      .post(`/api/v1/shop/orders/${placed.number}/refunds`)
      .set(as(admin))
      .set('Idempotency-Key', randomUUID())
      .send({ amount: { amount: 1, currency: 'USD' } })
      .expect(422);
    const full = (await refund(total - 1000).expect(201)).body as { order: Order };
    expect(full.order).toMatchObject({ status: 'refunded', refunded: { amount: total } });
    const [{ n }] = await t.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM shop_refunds r JOIN shop_orders o ON o.id = r.order_id WHERE o.number = $1`,
      [placed.number],
    );
    expect(n).toBe(2);
  });

  it('should leave a declined order payable, then take a new payment', async () => {
    const customer = await registerUser(t);
    const { order: placed } = await order(customer);
    await pay(customer, placed.number, 'pm_card_chargeDeclined').expect(201);
    await new Promise((r) => setTimeout(r, 200));
    for (let i = 0; i < 50; i++) {
      const [row] = await t.dataSource.query<{ status: string }[]>(
        `SELECT p.status FROM shop_payments p JOIN shop_orders o ON o.id = p.order_id WHERE o.number = $1`,
        [placed.number],
      );
      if (row?.status === 'failed') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await until(customer, placed.number, 'pending_payment')).status).toBe(
      'pending_payment',
    );
    await pay(customer, placed.number, 'pm_card_visa').expect(201);
    await until(customer, placed.number, 'paid');
  });

  it('should apply a duplicated event once and ignore a stale failure that arrives late', async () => {
    const customer = await registerUser(t);
    const dup = await order(customer);
    const ooo = await order(customer);
    const p1 = (await pay(customer, dup.order.number, 'pm_card_duplicateEvents').expect(201))
      .body as { payment: { clientSecret: string } };
    const p2 = (await pay(customer, ooo.order.number, 'pm_card_outOfOrder').expect(201)).body as {
      payment: { clientSecret: string };
    };
    const paid = await until(customer, dup.order.number, 'paid');
    await until(customer, ooo.order.number, 'paid');
    await new Promise((r) => setTimeout(r, 500)); // let the second deliveries land
    expect(paid.history.filter((h) => h.to === 'paid')).toHaveLength(1);
    expect(await receipts(dup.order.number)).toEqual(['sent']);
    expect(await stock(dup.variantId)).toEqual({ on_hand: 3, reserved: 0 });
    const id1 = p1.payment.clientSecret.replace(/_secret$/, '');
    const id2 = p2.payment.clientSecret.replace(/_secret$/, '');
    expect(await outcomes(id1)).toEqual(['payment.succeeded: order paid']); // stored once
    expect(await outcomes(id2)).toEqual([
      'payment.succeeded: order paid',
      'payment.failed: stale: payment already succeeded',
    ]);
  });

  it('should refuse unsigned, tampered, stale and foreign webhooks and store nothing', async () => {
    const body = JSON.stringify({
      id: `evt_${randomUUID()}`,
      type: 'payment.succeeded',
      created: Math.floor(Date.now() / 1000),
      data: { payment: 'fpi_forged', amount: 1, currency: 'EUR' },
    });
    const post = (headers: Record<string, string>, payload = body, provider = 'fake') =>
      t
        .http()
        .post(`/api/v1/shop/webhooks/${provider}`)
        .set('Content-Type', 'application/json')
        .set(headers)
        .send(payload);
    const codes = async (res: Promise<{ status: number; body: unknown }>) => {
      const r = await res;
      return [r.status, (r.body as { code: string }).code];
    };
    expect(await codes(post({}))).toEqual([400, 'SHOP.WEBHOOK_SIGNATURE_INVALID']);
    expect(await codes(post({ 'Stoa-Signature': signWebhook('wrong-secret', body) }))).toEqual([
      400,
      'SHOP.WEBHOOK_SIGNATURE_INVALID',
    ]);
    const signed = signWebhook(SECRET, body);
    expect(
      await codes(post({ 'Stoa-Signature': signed }, body.replace('"amount":1', '"amount":9'))),
    ).toEqual([400, 'SHOP.WEBHOOK_SIGNATURE_INVALID']);
    const old = signWebhook(SECRET, body, new Date(Date.now() - 10 * 60_000));
    expect(await codes(post({ 'Stoa-Signature': old }))).toEqual([
      400,
      'SHOP.WEBHOOK_SIGNATURE_INVALID',
    ]);
    expect(await codes(post({ 'Stoa-Signature': signed }, body, 'stripe'))).toEqual([
      404,
      'SHOP.UNKNOWN_PROVIDER',
    ]);
    const [{ n }] = await t.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM shop_webhook_events WHERE payload->'data'->>'payment' = 'fpi_forged'`,
    );
    expect(n).toBe(0);
  });

  it('should adopt a charge whose payment row was lost, and give back one its order does not need', async () => {
    const customer = await registerUser(t);
    const { order: placed } = await order(customer);
    const [{ id: orderId }] = await t.dataSource.query<{ id: string }[]>(
      'SELECT id FROM shop_orders WHERE number = $1',
      [placed.number],
    );
    // The provider charged, but its answer to `pay` never arrived: no row names the payment.
    const charged = (payment: string) =>
      JSON.stringify({
        id: `evt_${randomUUID()}`,
        type: 'payment.succeeded',
        created: Math.floor(Date.now() / 1000) - 180, // older than the wait for `pay` to commit
        data: { payment, order: orderId, amount: placed.totals.total.amount, currency: 'EUR' },
      });
    await deliverSigned(charged('fpi_orphan_1'));
    expect(await settled('fpi_orphan_1')).toEqual(['payment.succeeded: order paid']);
    expect(await until(customer, placed.number, 'paid')).toMatchObject({
      captured: placed.totals.total,
    });
    // A second such charge for the same order (now paid) is refunded, not applied.
    await deliverSigned(charged('fpi_orphan_2'));
    expect(await settled('fpi_orphan_2')).toEqual([
      expect.stringMatching(/^payment\.succeeded: orphan payment refunded/),
    ]);
  });

  it('should not apply a capture that differs from the order total', async () => {
    const customer = await registerUser(t);
    const { order: placed } = await order(customer);
    await pendingPayment(placed.number, 'fpi_short', placed.totals.total.amount);
    await deliverSigned(succeededEvent('fpi_short', placed.totals.total.amount - 1));
    expect(await settled('fpi_short')).toEqual([
      'payment.succeeded: amount mismatch: not applied, needs review',
    ]);
    expect((await until(customer, placed.number, 'pending_payment')).captured.amount).toBe(0);
  });

  it('should process an event whose job failed for good once the sweep finds it', async () => {
    const customer = await registerUser(t);
    const { order: placed } = await order(customer);
    const total = placed.totals.total.amount;
    // Stored five minutes ago; its job ran out of attempts while the payment was unknown
    // (one attempt here; in production five, ~30 s, e.g. after a crash inside "pay").
    const body = succeededEvent('fpi_swept', total);
    const [event] = await t.dataSource.query<{ id: string }[]>(
      `INSERT INTO shop_webhook_events (provider, event_id, type, payload, received_at)
       VALUES ('fake', $1, 'payment.succeeded', $2::jsonb, now() - interval '5 minutes')
       RETURNING id::text`,
      [(JSON.parse(body) as { id: string }).id, body],
    );
    const queue = t.app.get<Queue>(getQueueToken(QueueName.Shop));
    const job = await queue.add(
      ShopJob.ProcessProviderEvent,
      { webhookEventId: event.id },
      { jobId: `provider-event-${event.id}`, attempts: 1 },
    );
    for (let i = 0; i < 50 && !(await job.isFailed()); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await job.isFailed()).toBe(true);

    // The payment is known now; the sweep must run the event again despite the failed job
    // holding its job id (a plain re-add is a no-op in BullMQ).
    await pendingPayment(placed.number, 'fpi_swept', total);
    expect(await t.app.get(ShopEventsSweep).run()).toBeGreaterThanOrEqual(1);
    expect(await settled('fpi_swept')).toEqual(['payment.succeeded: order paid']);
    expect((await until(customer, placed.number, 'paid')).captured.amount).toBe(total);
  });

  it('should refund a payment that succeeds after its order was cancelled', async () => {
    const customer = await registerUser(t);
    const { order: placed, variantId } = await order(customer);
    await pendingPayment(placed.number, 'fpi_late', placed.totals.total.amount);
    await t
      .http()
      .post(`/api/v1/shop/orders/${placed.number}/cancel`)
      .set(as(customer))
      .send({})
      .expect(200);
    const body = succeededEvent('fpi_late', placed.totals.total.amount);
    expect((await deliverSigned(body)).body).toEqual({ received: true, duplicate: false });
    expect((await deliverSigned(body)).body).toEqual({ received: true, duplicate: true });
    expect((await settled('fpi_late'))[0]).toMatch(/order was cancelled: payment refunded/);
    expect((await until(customer, placed.number, 'cancelled')).status).toBe('cancelled');
    expect(await stock(variantId)).toEqual({ on_hand: 5, reserved: 0 });
  });

  it('should send subscribed events to an endpoint, signed, retried until it answers 2xx', async () => {
    const received: { topic: string; body: string; signature: string }[] = [];
    let calls = 0;
    const server: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        calls += 1;
        if (calls === 1) {
          res.writeHead(500).end(); // the first attempt fails: the queue retries
          return;
        }
        received.push({
          topic: String(req.headers['stoa-event']),
          body: Buffer.concat(chunks).toString('utf8'),
          signature: String(req.headers['stoa-signature']),
        });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
      const customer = await registerUser(t);
      await t
        .http()
        .post('/api/v1/shop/webhook-endpoints')
        .set(as(customer))
        .send({ url, events: ['shop.orderPaid'] })
        .expect(403);
      await t
        .http()
        .post('/api/v1/shop/webhook-endpoints')
        .set(as(admin))
        .send({ url: 'ftp://example.com', events: ['shop.orderPaid'] })
        .expect(422);
      await t
        .http()
        .post('/api/v1/shop/webhook-endpoints')
        .set(as(admin))
        .send({ url, events: ['shop.somethingElse'] })
        .expect(422);
      const created = (
        await t
          .http()
          .post('/api/v1/shop/webhook-endpoints')
          .set(as(admin))
          .send({ url, events: ['shop.orderPaid', 'shop.orderRefunded'] })
          .expect(201)
      ).body as { endpoint: { id: string; secret: string } };
      const { secret, id } = created.endpoint;
      expect(secret).toMatch(/^whsec_/);
      const listed = (
        await t.http().get('/api/v1/shop/webhook-endpoints').set(as(admin)).expect(200)
      ).body as { endpoints: Record<string, unknown>[] };
      expect(listed.endpoints.find((e) => e.id === id)).not.toHaveProperty('secret');

      const { order: placed } = await order(customer);
      await pay(customer, placed.number, 'pm_card_visa').expect(201);
      await until(customer, placed.number, 'paid');
      await t
        .http()
        .post(`/api/v1/shop/orders/${placed.number}/refunds`)
        .set(as(admin))
        .set('Idempotency-Key', randomUUID())
        .send({ amount: { amount: 100, currency: 'EUR' } })
        .expect(201);
      for (let i = 0; i < 100 && received.length < 2; i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      // The retried orderPaid arrives after orderRefunded: deliveries are not ordered (as with
      // any provider); receivers order by `created` and dedupe by `id`.
      received.sort((a, b) => a.topic.localeCompare(b.topic));
      expect(received.map((r) => r.topic)).toEqual(['shop.orderPaid', 'shop.orderRefunded']);
      for (const r of received) {
        expect(verifyWebhook(secret, r.signature, Buffer.from(r.body), 300)).toBeUndefined();
      }
      const paidEvent = JSON.parse(received[0].body) as {
        id: string;
        type: string;
        data: { order: { number: string; status: string } };
      };
      expect(paidEvent).toMatchObject({
        type: 'shop.orderPaid',
        data: { order: { number: placed.number, status: 'paid' } },
      });
      const log = (
        await t
          .http()
          .get(`/api/v1/shop/webhook-endpoints/${id}/deliveries`)
          .set(as(admin))
          .expect(200)
      ).body as {
        deliveries: { topic: string; status: string; attempts: number; lastStatusCode: number }[];
      };
      expect(log.deliveries.map((d) => [d.topic, d.status, d.attempts, d.lastStatusCode])).toEqual([
        ['shop.orderRefunded', 'delivered', 1, 204],
        ['shop.orderPaid', 'delivered', 2, 204],
      ]);
      await t.http().delete(`/api/v1/shop/webhook-endpoints/${id}`).set(as(admin)).expect(204);
      await t.http().delete(`/api/v1/shop/webhook-endpoints/${id}`).set(as(admin)).expect(404);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

/**
 * The fake provider retries its webhook like a real one (Stripe: about three days), not the
 * queue's default five attempts: an API that is down longer than those (a restart on a busy
 * machine, a deploy) must still learn that the customer paid. Its own app, because the
 * webhook URL points at a gate that refuses the first deliveries.
 */
describe('Shop — payment webhooks retried past an outage (e2e)', () => {
  /** More refusals than the queue's default attempts (5) would ever try. */
  const REFUSALS = 7;
  let t: TestApp;
  let gate: Server;
  let appUrl = '';
  const refused = new Map<string, number>();

  beforeAll(async () => {
    // Answers 503 to the first REFUSALS deliveries of each event, then forwards to the app.
    gate = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const { id } = JSON.parse(body.toString('utf8')) as { id: string };
        const n = refused.get(id) ?? 0;
        if (n < REFUSALS) {
          refused.set(id, n + 1);
          res.writeHead(503).end();
          return;
        }
        fetch(appUrl + (req.url ?? ''), {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'stoa-signature': String(req.headers['stoa-signature']),
          },
          body,
        }).then(
          (answer) => res.writeHead(answer.status).end(),
          () => res.writeHead(502).end(),
        );
      });
    });
    await new Promise<void>((r) => gate.listen(0, '127.0.0.1', r));
    const gatePort = (gate.address() as AddressInfo).port;
    t = await createTestApp({
      workers: true,
      env: {
        SHOP_WEBHOOK_SECRET: SECRET,
        SHOP_FAKE_PROVIDER_DELAY_MS: '20',
        SHOP_FAKE_PROVIDER_RETRY_BASE_MS: '20',
        SHOP_FAKE_PROVIDER_WEBHOOK_URL: `http://127.0.0.1:${gatePort}/api/v1/shop/webhooks/fake`,
      },
    });
    await t.app.listen(0, '127.0.0.1');
    appUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await t.close();
    await new Promise((r) => gate.close(r));
  });

  it('should apply a payment whose webhook was refused more often than the default attempts', async () => {
    const { cartId } = await placeGuestOrder(t, { priceMinor: 2500, email: 'outage@example.com' });
    await payAsGuest(t, cartId, 'pm_card_visa').expect(201);
    // 7 refusals at 20, 40, … 1280 ms: about 2.5 s of backoff.
    let status = '';
    for (let i = 0; i < 150 && status !== 'paid'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (
        (await t.http().get(`/api/v1/shop/carts/${cartId}/order`).expect(200)).body as {
          order: { status: string };
        }
      ).order.status;
    }
    expect(status).toBe('paid');
    expect([...refused.values()]).toEqual([REFUSALS]);
  });
});

describe('Shop — payments reconciled when their webhook never comes (e2e)', () => {
  let t: TestApp;
  let gate: Server;
  let refusals = 0;

  beforeAll(async () => {
    // The provider's webhooks hit an endpoint that refuses them all, as with a wrong secret.
    gate = createServer((req, res) => {
      refusals += 1;
      req.resume();
      res.writeHead(401).end();
    });
    await new Promise<void>((r) => gate.listen(0, '127.0.0.1', r));
    t = await createTestApp({
      workers: true,
      env: {
        SHOP_WEBHOOK_SECRET: SECRET,
        SHOP_FAKE_PROVIDER_DELAY_MS: '20',
        SHOP_FAKE_PROVIDER_RETRY_BASE_MS: '50',
        SHOP_FAKE_PROVIDER_WEBHOOK_URL: `http://127.0.0.1:${(gate.address() as AddressInfo).port}/hook`,
        SHOP_PAYMENT_RECONCILE_AFTER_SECONDS: '1',
      },
    });
  });

  afterAll(async () => {
    await t.close();
    await new Promise((r) => gate.close(r));
  });

  /** A guest's one-line order, paid with a test payment method; answers the cart id. */
  async function guestOrderPaidWith(paymentMethod: string): Promise<string> {
    const { cartId } = await placeGuestOrder(t, { priceMinor: 1800, email: 'late@example.com' });
    await payAsGuest(t, cartId, paymentMethod).expect(201);
    return cartId;
  }

  const state = async (cartId: string) =>
    (
      await t.dataSource.query<
        {
          order: string;
          captured: number;
          payment: string;
          provider_payment_id: string;
          paid_entries: number;
          receipts: number;
        }[]
      >(
        `SELECT o.status AS order, o.captured_minor::int AS captured, p.status AS payment,
                p.provider_payment_id,
                (SELECT count(*)::int FROM shop_order_events h
                 WHERE h.order_id = o.id AND h.to_status = 'paid') AS paid_entries,
                (SELECT count(*)::int FROM mail_deliveries d
                 WHERE d.key = 'order-receipt:' || o.id AND d.status = 'sent') AS receipts
         FROM shop_orders o JOIN shop_payments p ON p.order_id = o.id WHERE o.cart_id = $1`,
        [cartId],
      )
    )[0];

  async function until(cartId: string, done: (s: Awaited<ReturnType<typeof state>>) => boolean) {
    for (let i = 0; i < 100; i++) {
      const s = await state(cartId);
      if (done(s)) return s;
      await new Promise((r) => setTimeout(r, 100));
    }
    return state(cartId);
  }

  it('should learn outcomes from the provider, apply them once, and ignore the late webhook', async () => {
    const reconciliation = t.app.get(ShopPaymentReconciliation);
    const paid = await guestOrderPaidWith('pm_card_visa');
    const declined = await guestOrderPaidWith('pm_card_chargeDeclined');
    // Too young to be looked up: the webhook may still come.
    await reconciliation.run();
    expect((await state(paid)).payment).toBe('requires_payment');
    const gauge = async () =>
      (
        (await t.http().get('/metrics').expect(200)).text.match(/^shop_payments_pending\{.*$/gm) ??
        []
      ).sort();
    const pending = (lines: string[]) =>
      lines.reduce((sum, line) => sum + Number(line.split(' ')[1]), 0);
    expect(pending(await gauge())).toBe(2); // fresh or overdue, depending on the machine's pace

    await new Promise((r) => setTimeout(r, 1200));
    expect(await gauge()).toContain('shop_payments_pending{state="overdue"} 2');
    await reconciliation.run();
    const afterPaid = await until(paid, (s) => s.receipts > 0);
    expect(afterPaid).toMatchObject({
      order: 'paid',
      payment: 'succeeded',
      captured: 1800 + 490 + 458, // price, shipping, 20 % tax on both
      paid_entries: 1,
      receipts: 1,
    });
    const afterDeclined = await until(declined, (s) => s.payment !== 'requires_payment');
    expect(afterDeclined).toMatchObject({ order: 'pending_payment', payment: 'failed' });
    expect(refusals).toBeGreaterThan(0); // the webhooks really were refused

    // The webhook that finally gets through changes nothing.
    const lateId = `evt_${randomUUID()}`;
    const late = JSON.stringify({
      id: lateId,
      type: 'payment.succeeded',
      created: Math.floor(Date.now() / 1000),
      data: { payment: afterPaid.provider_payment_id, amount: afterPaid.captured, currency: 'EUR' },
    });
    await t
      .http()
      .post('/api/v1/shop/webhooks/fake')
      .set('Content-Type', 'application/json')
      .set('Stoa-Signature', signWebhook(SECRET, late))
      .send(late)
      .expect(200);
    let outcome: string | null = null;
    for (let i = 0; i < 50 && !outcome; i++) {
      await new Promise((r) => setTimeout(r, 100));
      [{ outcome }] = await t.dataSource.query<{ outcome: string | null }[]>(
        `SELECT outcome FROM shop_webhook_events WHERE payload->>'id' = $1`,
        [lateId],
      );
    }
    expect(outcome).toBe('duplicate: payment already succeeded');
    expect(await state(paid)).toMatchObject({
      paid_entries: 1,
      receipts: 1,
      captured: 1800 + 490 + 458,
    });
  });

  it('should ask about a payment without an outcome less and less often as it ages', async () => {
    const cartId = await guestOrderPaidWith('pm_card_visa');
    const { provider_payment_id: id } = await state(cartId);
    // Forget the provider's side and age the payment ten minutes: nothing to learn.
    await t.dataSource.query(
      `UPDATE shop_payments SET provider_payment_id = 'fpi_unknown_to_provider',
         created_at = now() - interval '10 minutes' WHERE provider_payment_id = $1`,
      [id],
    );
    const checkedAt = async () =>
      (
        await t.dataSource.query<{ checked_at: Date | null }[]>(
          `SELECT checked_at FROM shop_payments WHERE provider_payment_id = 'fpi_unknown_to_provider'`,
        )
      )[0].checked_at;
    await t.app.get(ShopPaymentReconciliation).run();
    const first = await checkedAt();
    expect(first).not.toBeNull();
    // Ten minutes old: asked again only after a quarter of that (2.5 min), not on the next run.
    await t.app.get(ShopPaymentReconciliation).run();
    expect(await checkedAt()).toEqual(first);
    expect((await state(cartId)).payment).toBe('requires_payment');
  });
});
