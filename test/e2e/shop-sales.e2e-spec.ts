import { randomUUID } from 'node:crypto';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { Role } from '@/core/auth/permissions';
import { ShopEvent } from '@/modules/shop';
import { createVariant } from '../factories/shop.factory';
import { createUserWithRole, registerUser, type RegisteredUser } from '../factories/user.factory';
import { createTestApp, type TestApp } from '../helpers/test-app';

interface Money {
  amount: number;
  currency: string;
}
interface Figures {
  ordersPlaced: number;
  ordersPaid: number;
  unitsSold: number;
  gross: Money;
  refunded: Money;
  net: Money;
}
interface Report {
  from: string;
  to: string;
  days: (Figures & { day: string })[];
  totals: Figures & { averageOrderValue: Money | null };
}

const address = { name: 'A', line1: '1 Road', city: 'Town', postalCode: '12345', country: 'DE' };
const auth = (u: { token: string }) => ({ Authorization: `Token ${u.token}` });
const eur = (amount: number): Money => ({ amount, currency: 'EUR' });
const today = () => new Date().toISOString().slice(0, 10);

/**
 * The analytics consumer of the shop's outbox events: a daily sales rollup counted once per
 * event, read by staff as a report, and equal to what the orders themselves say.
 */
describe('Shop — sales analytics from the outbox (e2e)', () => {
  let t: TestApp;
  let admin: { token: string };
  let customer: RegisteredUser;

  beforeAll(async () => {
    t = await createTestApp({ workers: true, env: { SHOP_FAKE_PROVIDER_DELAY_MS: '20' } });
    await t.app.listen(0, '127.0.0.1'); // the fake provider calls the webhook here
    admin = await createUserWithRole(t, Role.Admin);
    customer = await registerUser(t);
  });

  afterAll(async () => {
    await t.close();
  });

  /** Places an order of `quantity` units at 1000 and answers its number and total. */
  async function place(quantity: number): Promise<{ number: string; total: number }> {
    const variantId = await createVariant(t, { priceMinor: 1000, onHand: 10 });
    const cart = (
      (await t.http().post('/api/v1/shop/carts').set(auth(customer)).expect(201)).body as {
        cart: { id: string };
      }
    ).cart.id;
    await t
      .http()
      .put(`/api/v1/shop/carts/${cart}/items/${variantId}`)
      .set(auth(customer))
      .send({ quantity })
      .expect(200);
    const { order } = (
      await t
        .http()
        .post(`/api/v1/shop/carts/${cart}/checkout`)
        .set(auth(customer))
        .send({ shippingAddress: address })
        .expect(201)
    ).body as { order: { number: string; totals: { total: Money } } };
    return { number: order.number, total: order.totals.total.amount };
  }

  async function payAndWait(number: string): Promise<void> {
    await t
      .http()
      .post(`/api/v1/shop/orders/${number}/payments`)
      .set(auth(customer))
      .set('Idempotency-Key', randomUUID())
      .send({ paymentMethod: 'pm_card_visa' })
      .expect(201);
    for (let i = 0; i < 80; i++) {
      const { order } = (
        await t.http().get(`/api/v1/shop/orders/${number}`).set(auth(customer)).expect(200)
      ).body as { order: { status: string } };
      if (order.status === 'paid') return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`order ${number} not paid`);
  }

  const report = async (query = '') =>
    (await t.http().get(`/api/v1/shop/admin/sales${query}`).set(auth(admin)).expect(200))
      .body as Report;

  /** Waits until the relay has delivered what the test expects to see. */
  async function reportWhen(done: (r: Report) => boolean): Promise<Report> {
    let r = await report();
    for (let i = 0; i < 80 && !done(r); i++) {
      await new Promise((res) => setTimeout(res, 100));
      r = await report();
    }
    return r;
  }

  it('should count placed, paid and refunded orders once each, per day, with totals', async () => {
    const first = await place(2);
    const second = await place(3);
    await place(1); // placed, never paid
    await payAndWait(first.number);
    await payAndWait(second.number);
    await t
      .http()
      .post(`/api/v1/shop/orders/${second.number}/refunds`)
      .set(auth(admin))
      .set('Idempotency-Key', randomUUID())
      .send({ amount: eur(700), reason: 'one item damaged' })
      .expect(201);

    const r = await reportWhen((x) => x.totals.refunded.amount > 0 && x.totals.ordersPlaced === 3);
    const gross = first.total + second.total;
    const expected = {
      ordersPlaced: 3,
      ordersPaid: 2,
      unitsSold: 5,
      gross: eur(gross),
      refunded: eur(700),
      net: eur(gross - 700),
    };
    expect(r.to).toBe(today());
    expect(r.days).toHaveLength(30);
    expect(r.days.at(-1)).toEqual({ day: today(), ...expected });
    expect(r.days.slice(0, -1).every((d) => d.ordersPlaced === 0 && d.gross.amount === 0)).toBe(
      true,
    );
    expect(r.totals).toEqual({ ...expected, averageOrderValue: eur(Math.round(gross / 2)) });

    // Delivered again (the relay is at least once): nothing is counted twice.
    const events = t.app.get(EventEmitter2);
    const [paid] = await t.dataSource.query<{ id: string }[]>(
      'SELECT id FROM shop_orders WHERE number = $1',
      [first.number],
    );
    const [refund] = await t.dataSource.query<{ id: string; order_id: string }[]>(
      'SELECT id, order_id FROM shop_refunds LIMIT 1',
    );
    await events.emitAsync(ShopEvent.OrderPlaced, { orderId: paid.id });
    await events.emitAsync(ShopEvent.OrderPaid, { orderId: paid.id });
    await Promise.all(
      [1, 2, 3].map(() =>
        events.emitAsync(ShopEvent.OrderRefunded, {
          orderId: refund.order_id,
          refundId: refund.id,
          amountMinor: 700,
        }),
      ),
    );
    expect((await report()).totals).toEqual(r.totals);
  });

  it('should agree with the orders and refunds themselves, day by day', async () => {
    const [rollup, recomputed] = await Promise.all(
      [
        `SELECT to_char(day, 'YYYY-MM-DD') AS day, orders_placed, orders_paid, units_sold,
                gross_minor::float8 AS gross, refunded_minor::float8 AS refunded
         FROM shop_sales_daily ORDER BY day`,
        `WITH placed AS (
           SELECT (created_at AT TIME ZONE 'UTC')::date AS day, count(*)::int AS n
           FROM shop_orders GROUP BY 1
         ), paid AS (
           SELECT (e.created_at AT TIME ZONE 'UTC')::date AS day, count(*)::int AS n,
                  sum(o.total_minor)::float8 AS gross,
                  sum((SELECT sum(quantity) FROM shop_order_lines l WHERE l.order_id = o.id))::int AS units
           FROM shop_orders o JOIN shop_order_events e ON e.order_id = o.id AND e.to_status = 'paid'
           GROUP BY 1
         ), refunded AS (
           SELECT (created_at AT TIME ZONE 'UTC')::date AS day, sum(amount_minor)::float8 AS amount
           FROM shop_refunds GROUP BY 1
         )
         SELECT to_char(day, 'YYYY-MM-DD') AS day, coalesce(placed.n, 0) AS orders_placed,
                coalesce(paid.n, 0) AS orders_paid, coalesce(paid.units, 0) AS units_sold,
                coalesce(paid.gross, 0) AS gross, coalesce(refunded.amount, 0) AS refunded
         FROM placed FULL JOIN paid USING (day) FULL JOIN refunded USING (day) ORDER BY day`,
      ].map((sql) => t.dataSource.query<Record<string, unknown>[]>(sql)),
    );
    expect(recomputed.length).toBeGreaterThan(0);
    expect(rollup).toEqual(recomputed);
  });

  it('should answer staff only, and refuse bad ranges with 422', async () => {
    await t.http().get('/api/v1/shop/admin/sales').expect(401);
    await t.http().get('/api/v1/shop/admin/sales').set(auth(customer)).expect(403);
    const editor = await createUserWithRole(t, Role.Editor);
    await t.http().get('/api/v1/shop/admin/sales').set(auth(editor)).expect(403);
    for (const query of [
      '?from=2026-13-01',
      '?from=yesterday',
      '?from=2026-02-30&to=2026-03-01',
      '?from=2026-11-02&to=2026-11-01',
      '?from=2025-01-01&to=2026-01-02',
      '?from=2026-11-01&sort=day',
      '?from=0000-01-01&to=0000-12-31',
      '?to=0000-01-20',
    ]) {
      const { body } = await t
        .http()
        .get(`/api/v1/shop/admin/sales${query}`)
        .set(auth(admin))
        .expect(422);
      expect(body).toMatchObject({ statusCode: 422 });
    }
    const year = await report('?from=2024-01-01&to=2024-12-31');
    expect(year.days).toHaveLength(366);
    expect(year.totals.averageOrderValue).toBeNull();
  });
});
