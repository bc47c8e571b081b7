import { randomUUID } from 'node:crypto';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner.js';
import { Role } from '@/core/auth/permissions';
import { ShopHoldSweep } from '@/modules/shop';
import { ShopCartCleanup } from '@/modules/shop/shop.processor';
import { createVariant } from '../factories/shop.factory';
import { createUserWithRole, registerUser, type RegisteredUser } from '../factories/user.factory';
import { createTestApp, type TestApp } from '../helpers/test-app';

interface Money {
  amount: number;
  currency: string;
}
interface Cart {
  id: string;
  status: string;
  items: { variantId: string; quantity: number; available: number }[];
  totals: { subtotal: Money; discount: Money; shipping: Money; tax: Money; total: Money } | null;
}
interface Order {
  number: string;
  status: string;
  totals: Cart['totals'];
  lines: { sku: string; quantity: number; discount: Money; total: Money }[];
  history: { from: string | null; to: string }[];
}

const address = {
  name: 'Ada Lovelace',
  line1: '12 Analytical St',
  city: 'London',
  postalCode: 'N1 9GU',
  country: 'GB',
};
const as = (u?: { token: string }): Record<string, string> =>
  u ? { Authorization: `Token ${u.token}` } : {};

/**
 * Every statement the app sends to PostgreSQL while `run` runs, BEGIN and COMMIT included (every
 * query, TypeORM's own transaction control too, passes a query runner): one round trip each.
 */
async function statementsOf(run: () => Promise<unknown>): Promise<string[]> {
  const spy = jest.spyOn(PostgresQueryRunner.prototype, 'query');
  try {
    await run();
    return spy.mock.calls.map(([sql]) => sql.trim().split(/\s+/).slice(0, 3).join(' '));
  } finally {
    spy.mockRestore();
  }
}

/**
 * Checkout on real PostgreSQL: server-side totals, stock that cannot be oversold under a burst
 * of parallel checkouts, coupons with limits under concurrency, idempotent retries, and carts
 * and orders that answer to their owner only.
 */
describe('Shop — carts, checkout, inventory (e2e)', () => {
  let t: TestApp;
  let admin: { token: string };

  beforeAll(async () => {
    t = await createTestApp();
    admin = await createUserWithRole(t, Role.Admin);
  });

  afterAll(async () => {
    await t.close();
  });

  /** An active product with one variant and `stock` units on hand (through the staff API). */
  async function variant(stock: number, priceMinor = 1000, weightGrams = 100): Promise<string> {
    const id = await createVariant(t, { priceMinor, weightGrams });
    if (stock > 0) {
      await t
        .http()
        .post(`/api/v1/shop/variants/${id}/stock-adjustments`)
        .set(as(admin))
        .send({ delta: stock, note: 'initial count' })
        .expect(201);
    }
    return id;
  }

  async function cartWith(variantId: string, quantity = 1, user?: RegisteredUser) {
    const cart = (await t.http().post('/api/v1/shop/carts').set(as(user)).expect(201)).body as {
      cart: Cart;
    };
    await t
      .http()
      .put(`/api/v1/shop/carts/${cart.cart.id}/items/${variantId}`)
      .set(as(user))
      .send({ quantity })
      .expect(200);
    return cart.cart.id;
  }

  const checkout = (cartId: string, body: object = {}, headers: Record<string, string> = {}) =>
    t
      .http()
      .post(`/api/v1/shop/carts/${cartId}/checkout`)
      .set(headers)
      .send({ email: 'guest@example.com', shippingAddress: address, ...body });

  async function stock(variantId: string) {
    const [row] = await t.dataSource.query<
      { on_hand: number; reserved: number; ledger_on_hand: number; ledger_reserved: number }[]
    >(
      `SELECT v.on_hand, v.reserved,
              (SELECT coalesce(sum(on_hand_delta), 0)::int FROM shop_stock_movements WHERE variant_id = v.id) AS ledger_on_hand,
              (SELECT coalesce(sum(reserved_delta), 0)::int FROM shop_stock_movements WHERE variant_id = v.id) AS ledger_reserved
       FROM shop_variants v WHERE v.id = $1`,
      [variantId],
    );
    return row;
  }

  it('should sell exactly the last units to 60 parallel checkouts and refuse the rest', async () => {
    const id = await variant(10);
    const carts = await Promise.all(Array.from({ length: 60 }, () => cartWith(id)));
    const results = await Promise.all(carts.map((c) => checkout(c)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(50);
    for (const refused of results.filter((r) => r.status === 409)) {
      expect((refused.body as { code: string }).code).toBe('SHOP.OUT_OF_STOCK');
    }
    const level = await stock(id);
    expect(level).toEqual({ on_hand: 10, reserved: 10, ledger_on_hand: 10, ledger_reserved: 10 });
    const [orders] = await t.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM shop_order_lines WHERE variant_id = $1`,
      [id],
    );
    expect(orders.n).toBe(10);
  });

  it('should compute totals on the server, equal to the cart preview', async () => {
    const id = await variant(5, 1999, 300);
    const cartId = await cartWith(id, 2);
    const preview = (await t.http().get(`/api/v1/shop/carts/${cartId}`).expect(200)).body as {
      cart: Cart;
    };
    // 2 × 19.99 = 39.98; 600 g → 4.90 shipping; 20 % tax on 44.88 = 8.976 → 8.98
    expect(preview.cart.totals).toEqual({
      subtotal: { amount: 3998, currency: 'EUR' },
      discount: { amount: 0, currency: 'EUR' },
      shipping: { amount: 490, currency: 'EUR' },
      tax: { amount: 898, currency: 'EUR' },
      total: { amount: 5386, currency: 'EUR' },
    });
    const res = await checkout(cartId, { expectedTotal: { amount: 5386, currency: 'EUR' } });
    expect(res.status).toBe(201);
    const { order } = res.body as { order: Order };
    expect(order.number).toMatch(/^SO-[0-9A-HJKMNP-TV-Z]{12}$/);
    expect(order.status).toBe('pending_payment');
    expect(order.totals).toEqual(preview.cart.totals);
    expect(order.history).toEqual([expect.objectContaining({ from: null, to: 'pending_payment' })]);
    await checkout(cartId).expect(409); // a cart becomes one order
  });

  it('should check out in four round trips (five with a coupon) and answer what it stored', async () => {
    const id = await variant(10, 1999, 300);
    const plain = await cartWith(id, 2);
    let res: Awaited<ReturnType<typeof checkout>> | undefined;
    const statements = await statementsOf(async () => (res = await checkout(plain).expect(201)));
    // BEGIN, lock the cart and read its lines, reserve + place + outbox in one statement, COMMIT.
    expect(statements).toEqual([
      'START TRANSACTION',
      'SELECT c.id, c.customer_id',
      'WITH wanted AS',
      'COMMIT',
    ]);
    // Built from what was in hand, not read back: the same as reading the order afterwards.
    const stored = await t.http().get(`/api/v1/shop/carts/${plain}/order`).expect(200);
    expect(res?.body).toEqual(stored.body);

    await t.dataSource.query(
      `INSERT INTO shop_coupons (code, kind, amount, max_per_customer) VALUES ('TRIPS', 'fixed', 100, 1)`,
    );
    const withCoupon = await cartWith(id);
    await t
      .http()
      .put(`/api/v1/shop/carts/${withCoupon}/coupon`)
      .send({ code: 'trips' })
      .expect(200);
    const couponStatements = await statementsOf(async () => {
      res = await checkout(withCoupon).expect(201);
    });
    expect(couponStatements).toEqual([
      'START TRANSACTION',
      'SELECT c.id, c.customer_id',
      'SELECT id, code,',
      'WITH wanted AS',
      'COMMIT',
    ]);
    const storedWithCoupon = await t
      .http()
      .get(`/api/v1/shop/carts/${withCoupon}/order`)
      .expect(200);
    expect(res?.body).toEqual(storedWithCoupon.body);
    expect((res?.body as { order: { couponCode: string } }).order.couponCode).toBe('TRIPS');
    // Refused by the per-customer limit (same guest email): the placing statement said so.
    const again = await cartWith(id);
    await t.http().put(`/api/v1/shop/carts/${again}/coupon`).send({ code: 'TRIPS' }).expect(200);
    const refused = await checkout(again).expect(409);
    expect((refused.body as { code: string }).code).toBe('SHOP.COUPON_EXHAUSTED');
    expect(await stock(id)).toEqual({
      on_hand: 10,
      reserved: 3,
      ledger_on_hand: 10,
      ledger_reserved: 3,
    });
  });

  it('should refuse tampered or foreign input with 4xx and change nothing', async () => {
    const id = await variant(3);
    const cartId = await cartWith(id);
    const before = await stock(id);
    const cases: [object, number, string][] = [
      [{ expectedTotal: { amount: 1, currency: 'EUR' } }, 409, 'SHOP.PRICE_CHANGED'],
      [{ expectedTotal: { amount: 1690, currency: 'USD' } }, 422, 'SHOP.CURRENCY_MISMATCH'],
      [{ unitPrice: 1 }, 422, 'COMMON.VALIDATION_FAILED'],
      [{ shippingAddress: { ...address, country: 'XX' } }, 422, 'COMMON.VALIDATION_FAILED'],
      [{ email: 'not-an-email' }, 422, 'COMMON.VALIDATION_FAILED'],
    ];
    for (const [body, status, code] of cases) {
      const res = await checkout(cartId, body);
      expect([res.status, (res.body as { code: string }).code]).toEqual([status, code]);
    }
    for (const quantity of [0, -1, 1000, 1.5, '2']) {
      await t.http().put(`/api/v1/shop/carts/${cartId}/items/${id}`).send({ quantity }).expect(422);
    }
    await t
      .http()
      .put(`/api/v1/shop/carts/${cartId}/items/${randomUUID()}`)
      .send({ quantity: 1 })
      .expect(404);
    const tooMany = await t
      .http()
      .put(`/api/v1/shop/carts/${cartId}/items/${id}`)
      .send({ quantity: 4 })
      .expect(409);
    expect((tooMany.body as { code: string }).code).toBe('SHOP.OUT_OF_STOCK');
    await t.http().get('/api/v1/shop/carts/not-a-uuid').expect(400);
    expect(await stock(id)).toEqual(before);
    const [{ n }] = await t.dataSource.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM shop_orders WHERE cart_id = $1',
      [cartId],
    );
    expect(n).toBe(0);
  });

  it('should replay a retried checkout and find the order even when the key record is lost', async () => {
    const id = await variant(5);
    const cartId = await cartWith(id);
    const key = randomUUID();
    const first = await checkout(cartId, {}, { 'Idempotency-Key': key }).expect(201);
    const replay = await checkout(cartId, {}, { 'Idempotency-Key': key }).expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
    // A crash after commit but before the response was stored: the key record is gone.
    await t.dataSource.query('DELETE FROM idempotency_keys');
    const afterCrash = await checkout(cartId, {}, { 'Idempotency-Key': key }).expect(201);
    expect((afterCrash.body as { order: Order }).order.number).toBe(
      (first.body as { order: Order }).order.number,
    );
    expect((await stock(id)).reserved).toBe(1);
  });

  it('should hand out a limited coupon exactly as often as allowed under concurrency', async () => {
    const id = await variant(100);
    await t.dataSource.query(
      `INSERT INTO shop_coupons (code, kind, amount, max_redemptions) VALUES ('RUSH3', 'percentage', 10, 3)`,
    );
    const carts = await Promise.all(Array.from({ length: 20 }, () => cartWith(id)));
    for (const c of carts) {
      await t.http().put(`/api/v1/shop/carts/${c}/coupon`).send({ code: 'rush3' }).expect(200);
    }
    const results = await Promise.all(
      carts.map((c, i) => checkout(c, { email: `buyer${i}@example.com` })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    const refused = results.filter((r) => r.status !== 201);
    expect(refused.map((r) => [r.status, (r.body as { code: string }).code])).toEqual(
      refused.map(() => [409, 'SHOP.COUPON_EXHAUSTED']),
    );
    const [coupon] = await t.dataSource.query<{ redemptions: number }[]>(
      "SELECT redemptions FROM shop_coupons WHERE code = 'RUSH3'",
    );
    expect(coupon.redemptions).toBe(3);
    expect((await stock(id)).reserved).toBe(3);
    const winner = results.find((r) => r.status === 201)?.body as { order: Order };
    expect(winner.order.totals?.discount.amount).toBe(100);
  });

  it('should limit a coupon per customer, even for parallel checkouts of one customer', async () => {
    const id = await variant(10);
    await t.dataSource.query(
      `INSERT INTO shop_coupons (code, kind, amount, max_per_customer) VALUES ('ONCE', 'fixed', 200, 1)`,
    );
    const buyer = await registerUser(t);
    // Two carts checked out by the same customer at the same moment (their own and a guest cart
    // they signed in with): one use only.
    const own = await cartWith(id, 1, buyer);
    await t.http().put(`/api/v1/shop/carts/${own}/coupon`).set(as(buyer)).send({ code: 'ONCE' });
    const borrowed = await cartWith(id);
    await t.http().put(`/api/v1/shop/carts/${borrowed}/coupon`).send({ code: 'ONCE' }).expect(200);
    const pair = await Promise.all([
      checkout(own, { email: undefined }, as(buyer)),
      checkout(borrowed, { email: undefined }, as(buyer)),
    ]);
    expect(pair.map((r) => r.status).sort()).toEqual([201, 409]);
    // Another customer (a guest here) still may.
    const guest = await cartWith(id);
    await t.http().put(`/api/v1/shop/carts/${guest}/coupon`).send({ code: 'ONCE' }).expect(200);
    await checkout(guest, { email: 'someone@example.com' }).expect(201);
    // The same customer again, with a fresh cart: refused.
    const second = await cartWith(id, 1, buyer);
    await t.http().put(`/api/v1/shop/carts/${second}/coupon`).set(as(buyer)).send({ code: 'ONCE' });
    const again = await checkout(second, { email: undefined }, as(buyer));
    expect([again.status, (again.body as { code: string }).code]).toEqual([
      409,
      'SHOP.COUPON_EXHAUSTED',
    ]);
  });

  it("should keep customers out of each other's carts and orders", async () => {
    const id = await variant(5);
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    const cartId = await cartWith(id, 1, alice);
    await t.http().get(`/api/v1/shop/carts/${cartId}`).set(as(bob)).expect(404);
    await t.http().get(`/api/v1/shop/carts/${cartId}`).expect(404);
    await t
      .http()
      .put(`/api/v1/shop/carts/${cartId}/items/${id}`)
      .set(as(bob))
      .send({ quantity: 2 })
      .expect(404);
    await checkout(cartId, {}, as(bob)).expect(404);
    const placed = (await checkout(cartId, {}, as(alice)).expect(201)).body as { order: Order };
    const number = placed.order.number;
    await t.http().get(`/api/v1/shop/orders/${number}`).set(as(alice)).expect(200);
    await t.http().get(`/api/v1/shop/orders/${number}`).set(as(bob)).expect(404);
    await t.http().get(`/api/v1/shop/orders/${number}`).set(as(admin)).expect(200);
    await t.http().get(`/api/v1/shop/orders/${number}`).expect(401);
    const mine = (await t.http().get('/api/v1/shop/orders').set(as(bob)).expect(200)).body as {
      ordersCount: number;
    };
    expect(mine.ordersCount).toBe(0);
    await t.http().get(`/api/v1/shop/carts/${cartId}/order`).set(as(bob)).expect(404);
  });

  it('should open one guest cart for a request retried with the same Idempotency-Key', async () => {
    const key = randomUUID();
    const open = () => t.http().post('/api/v1/shop/carts').set('Idempotency-Key', key).expect(201);
    const first = (await open()).body as { cart: { id: string } };
    const retried = await open();
    expect(retried.headers['idempotent-replayed']).toBe('true');
    expect((retried.body as { cart: { id: string } }).cart.id).toBe(first.cart.id);
    // Without a key every request is a new cart, as before.
    const other = (await t.http().post('/api/v1/shop/carts').expect(201)).body as {
      cart: { id: string };
    };
    expect(other.cart.id).not.toBe(first.cart.id);
  });

  it('should merge a guest cart into the customer cart after sign-in', async () => {
    const id = await variant(10);
    const other = await variant(10);
    const customer = await registerUser(t);
    const mine = await cartWith(id, 2, customer);
    const guest = await cartWith(id, 3);
    await t.http().put(`/api/v1/shop/carts/${guest}/items/${other}`).send({ quantity: 1 });
    const merged = (
      await t.http().post(`/api/v1/shop/carts/${guest}/merge`).set(as(customer)).expect(200)
    ).body as { cart: Cart };
    expect(merged.cart.id).toBe(mine);
    expect(Object.fromEntries(merged.cart.items.map((i) => [i.variantId, i.quantity]))).toEqual({
      [id]: 5,
      [other]: 1,
    });
    await t.http().put(`/api/v1/shop/carts/${guest}/items/${id}`).send({ quantity: 1 }).expect(409); // the guest cart is closed
    await t.http().post(`/api/v1/shop/carts/${guest}/merge`).expect(401);
  });

  it('should record stock adjustments in an append-only ledger', async () => {
    const id = await variant(5);
    const customer = await registerUser(t);
    await t
      .http()
      .post(`/api/v1/shop/variants/${id}/stock-adjustments`)
      .set(as(customer))
      .send({ delta: 5, note: 'x' })
      .expect(403);
    const cartId = await cartWith(id, 4);
    await checkout(cartId).expect(201);
    const tooLow = await t
      .http()
      .post(`/api/v1/shop/variants/${id}/stock-adjustments`)
      .set(as(admin))
      .send({ delta: -2, note: 'broken in transit' })
      .expect(409);
    expect((tooLow.body as { code: string }).code).toBe('SHOP.STOCK_BELOW_RESERVED');
    await t
      .http()
      .post(`/api/v1/shop/variants/${id}/stock-adjustments`)
      .set(as(admin))
      .send({ delta: 0, note: 'nothing' })
      .expect(422);
    // A retried adjustment with its key is applied once.
    const key = randomUUID();
    for (let i = 0; i < 2; i++) {
      await t
        .http()
        .post(`/api/v1/shop/variants/${id}/stock-adjustments`)
        .set(as(admin))
        .set('Idempotency-Key', key)
        .send({ delta: 3, note: 'delivery #7' })
        .expect(201);
    }
    const ledger = (
      await t.http().get(`/api/v1/shop/variants/${id}/stock-movements`).set(as(admin)).expect(200)
    ).body as { movements: { reason: string; onHandDelta: number; reservedDelta: number }[] };
    expect(ledger.movements.map((m) => [m.reason, m.onHandDelta, m.reservedDelta])).toEqual([
      ['adjustment', 3, 0],
      ['reserve', 0, 4],
      ['adjustment', 5, 0],
    ]);
    await expect(
      t.dataSource.query(
        'UPDATE shop_stock_movements SET on_hand_delta = 0 WHERE variant_id = $1',
        [id],
      ),
    ).rejects.toThrow(/append-only/);
  });
});

describe('Shop — order lifecycle and stock holds (e2e)', () => {
  let t: TestApp;
  let admin: { token: string };

  beforeAll(async () => {
    t = await createTestApp({ workers: true, env: { SHOP_RESERVATION_SECONDS: '2' } });
    admin = await createUserWithRole(t, Role.Admin);
  });

  afterAll(async () => {
    await t.close();
  });

  async function placedOrder(customer: RegisteredUser, coupon?: string) {
    const variantId = await createVariant(t, { onHand: 5 });
    const { cart } = (await t.http().post('/api/v1/shop/carts').set(as(customer)).expect(201))
      .body as { cart: Cart };
    await t
      .http()
      .put(`/api/v1/shop/carts/${cart.id}/items/${variantId}`)
      .set(as(customer))
      .send({ quantity: 2 })
      .expect(200);
    if (coupon) {
      await t
        .http()
        .put(`/api/v1/shop/carts/${cart.id}/coupon`)
        .set(as(customer))
        .send({ code: coupon })
        .expect(200);
    }
    const { order } = (
      await t
        .http()
        .post(`/api/v1/shop/carts/${cart.id}/checkout`)
        .set(as(customer))
        .send({ shippingAddress: address })
        .expect(201)
    ).body as { order: Order };
    return { order, variantId };
  }

  const reserved = async (variantId: string) =>
    (
      await t.dataSource.query<{ reserved: number }[]>(
        'SELECT reserved FROM shop_variants WHERE id = $1',
        [variantId],
      )
    )[0].reserved;

  it('should release the stock and the coupon use when an unpaid order’s hold runs out', async () => {
    await t.dataSource.query(
      `INSERT INTO shop_coupons (code, kind, amount, max_redemptions) VALUES ('HOLD1', 'fixed', 100, 1)`,
    );
    const customer = await registerUser(t);
    const { order, variantId } = await placedOrder(customer, 'HOLD1');
    expect(await reserved(variantId)).toBe(2);
    // The delayed job (2 s hold in this app) cancels it.
    let status = order.status;
    for (let i = 0; i < 60 && status === 'pending_payment'; i++) {
      await new Promise((r) => setTimeout(r, 250));
      status = (
        (await t.http().get(`/api/v1/shop/orders/${order.number}`).set(as(customer)).expect(200))
          .body as { order: Order }
      ).order.status;
    }
    expect(status).toBe('cancelled');
    expect(await reserved(variantId)).toBe(0);
    const [coupon] = await t.dataSource.query<{ redemptions: number }[]>(
      "SELECT redemptions FROM shop_coupons WHERE code = 'HOLD1'",
    );
    expect(coupon.redemptions).toBe(0);
  });

  it('should let the sweep release a hold whose job was lost, once', async () => {
    const customer = await registerUser(t);
    const { order, variantId } = await placedOrder(customer);
    await t.dataSource.query(
      `UPDATE shop_orders SET reserved_until = now() + interval '1 hour' WHERE number = $1`,
      [order.number],
    ); // its job now finds it not due
    await new Promise((r) => setTimeout(r, 2500));
    expect(await reserved(variantId)).toBe(2);
    await t.dataSource.query(
      `UPDATE shop_orders SET reserved_until = now() - interval '1 second' WHERE number = $1`,
      [order.number],
    );
    const sweep = t.app.get(ShopHoldSweep);
    expect(await sweep.run()).toBeGreaterThanOrEqual(1);
    expect(await sweep.run()).toBe(0);
    expect(await reserved(variantId)).toBe(0);
  });

  it('should show reserved and released stock on the next product read (cache invalidated)', async () => {
    const customer = await registerUser(t);
    const available = async (variantId: string) => {
      const [{ slug }] = await t.dataSource.query<{ slug: string }[]>(
        'SELECT p.slug FROM shop_products p JOIN shop_variants v ON v.product_id = p.id WHERE v.id = $1',
        [variantId],
      );
      return (
        (await t.http().get(`/api/v1/shop/products/${slug}`).expect(200)).body as {
          product: { available: number };
        }
      ).product.available;
    };
    const { order, variantId } = await placedOrder(customer);
    expect(await available(variantId)).toBe(3); // 5 on hand, 2 held
    await t
      .http()
      .post(`/api/v1/shop/orders/${order.number}/cancel`)
      .set(as(customer))
      .send({})
      .expect(200);
    expect(await available(variantId)).toBe(5);
  });

  it('should delete guest carts idle past their time, and keep ordered and customer carts', async () => {
    const open = async (user?: RegisteredUser) =>
      (
        (await t.http().post('/api/v1/shop/carts').set(as(user)).expect(201)).body as {
          cart: { id: string };
        }
      ).cart.id;
    const idle = await open();
    const fresh = await open();
    const customers = await open(await registerUser(t));
    const { order } = await placedOrder(await registerUser(t));
    const [{ cart_id: ordered }] = await t.dataSource.query<{ cart_id: string }[]>(
      'SELECT cart_id FROM shop_orders WHERE number = $1',
      [order.number],
    );
    await t.dataSource.query(
      `UPDATE shop_carts SET updated_at = now() - interval '31 days' WHERE id = ANY($1)`,
      [[idle, customers, ordered]],
    );
    expect(await t.app.get(ShopCartCleanup).run()).toBe(1);
    await t.http().get(`/api/v1/shop/carts/${idle}`).expect(404);
    const left = await t.dataSource.query<{ id: string }[]>(
      'SELECT id FROM shop_carts WHERE id = ANY($1)',
      [[fresh, customers, ordered]],
    );
    expect(left).toHaveLength(3);
  });

  it('should only allow legal transitions, recorded in the history', async () => {
    const customer = await registerUser(t);
    const other = await registerUser(t);
    const { order, variantId } = await placedOrder(customer);
    const path = `/api/v1/shop/orders/${order.number}`;
    await t.http().post(`${path}/fulfil`).set(as(customer)).expect(403);
    const early = await t.http().post(`${path}/fulfil`).set(as(admin)).expect(409);
    expect((early.body as { code: string }).code).toBe('SHOP.ILLEGAL_TRANSITION');
    await t.http().post(`${path}/cancel`).set(as(other)).send({}).expect(404);
    const cancelled = (
      await t
        .http()
        .post(`${path}/cancel`)
        .set(as(customer))
        .send({ reason: 'changed my mind' })
        .expect(200)
    ).body as { order: Order };
    expect(cancelled.order.status).toBe('cancelled');
    expect(cancelled.order.history.map((h) => [h.from, h.to])).toEqual([
      [null, 'pending_payment'],
      ['pending_payment', 'cancelled'],
    ]);
    expect(await reserved(variantId)).toBe(0);
    const twice = await t.http().post(`${path}/cancel`).set(as(customer)).send({}).expect(409);
    expect((twice.body as { code: string }).code).toBe('SHOP.ILLEGAL_TRANSITION');
    await t
      .http()
      .post(`${path}/cancel`)
      .set(as(customer))
      .send({ reason: 'x'.repeat(501) })
      .expect(422);
  });
});
