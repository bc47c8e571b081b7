import { randomUUID } from 'node:crypto';
import { Role } from '@/core/auth/permissions';
import { createVariant } from '../factories/shop.factory';
import { createUserWithRole, registerUser } from '../factories/user.factory';
import { createTestApp, type TestApp } from '../helpers/test-app';

interface Coupon {
  code: string;
  percentOff: number | null;
  amountOff: { amount: number; currency: string } | null;
  endsAt: string | null;
  maxRedemptions: number | null;
  redemptions: number;
  active: boolean;
}

const address = { name: 'A', line1: '1 Road', city: 'Town', postalCode: '12345', country: 'DE' };

/** Staff manage promotion codes through the API; checkout redeems what they set up. */
describe('Shop — coupon management (e2e)', () => {
  let t: TestApp;
  let staff: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp();
    staff = { Authorization: `Token ${(await createUserWithRole(t, Role.Admin)).token}` };
  });

  afterAll(async () => {
    await t.close();
  });

  const create = (body: object, status: number) =>
    t
      .http()
      .post('/api/v1/shop/admin/coupons')
      .set(staff)
      .send(body)
      .expect(status)
      .then((r) => r.body as { coupon: Coupon; code?: string; errors?: object });

  /** A guest cart with one 2000 line and `code` applied; answers the cart id and the response. */
  async function cartWith(code: string) {
    const variantId = await createVariant(t, { priceMinor: 2000, onHand: 5 });
    const { id } = (
      (await t.http().post('/api/v1/shop/carts').expect(201)).body as { cart: { id: string } }
    ).cart;
    await t
      .http()
      .put(`/api/v1/shop/carts/${id}/items/${variantId}`)
      .send({ quantity: 1 })
      .expect(200);
    return { id, applied: await t.http().put(`/api/v1/shop/carts/${id}/coupon`).send({ code }) };
  }

  it('should create percentage and fixed codes, stored upper-case, and list them', async () => {
    const pct = await create({ code: 'winter-10', percentOff: 10, maxPerCustomer: 1 }, 201);
    expect(pct.coupon).toMatchObject({
      code: 'WINTER-10',
      percentOff: 10,
      amountOff: null,
      redemptions: 0,
      active: true,
    });
    const fixed = await create(
      { code: 'FIVE', amountOff: { amount: 500, currency: 'EUR' }, maxRedemptions: 2 },
      201,
    );
    expect(fixed.coupon).toMatchObject({ percentOff: null, amountOff: { amount: 500 } });

    const list = (await t.http().get('/api/v1/shop/admin/coupons?sort=code').set(staff).expect(200))
      .body as { coupons: Coupon[]; couponsCount: number };
    expect(list.coupons.map((c) => c.code)).toEqual(['FIVE', 'WINTER-10']);
    expect(list.couponsCount).toBe(2);
    const one = (await t.http().get('/api/v1/shop/admin/coupons/five').set(staff).expect(200))
      .body as { coupon: Coupon };
    expect(one.coupon.code).toBe('FIVE');

    // What checkout redeems is what staff created.
    const { id, applied } = await cartWith('five');
    expect(applied.status).toBe(200);
    await t
      .http()
      .post(`/api/v1/shop/carts/${id}/checkout`)
      .send({ email: 'c@example.com', shippingAddress: address })
      .expect(201);
    const after = (await t.http().get('/api/v1/shop/admin/coupons/FIVE').set(staff).expect(200))
      .body as { coupon: Coupon };
    expect(after.coupon.redemptions).toBe(1);
  });

  it('should refuse taken codes, ambiguous discounts, other currencies and empty windows', async () => {
    await create({ code: 'TAKEN', percentOff: 5 }, 201);
    expect((await create({ code: 'taken', percentOff: 5 }, 409)).code).toBe(
      'SHOP.COUPON_CODE_TAKEN',
    );
    await create({ code: 'BOTH', percentOff: 5, amountOff: { amount: 1, currency: 'EUR' } }, 422);
    await create({ code: 'NEITHER' }, 422);
    await create({ code: 'NULLOFF', amountOff: null }, 422);
    await create({ code: 'PCT', percentOff: 101 }, 422);
    await create({ code: 'PCT', percentOff: 2.5 }, 422);
    await create({ code: 'ZERO', amountOff: { amount: 0, currency: 'EUR' } }, 422);
    expect(
      (await create({ code: 'USD', amountOff: { amount: 100, currency: 'USD' } }, 422)).code,
    ).toBe('SHOP.CURRENCY_MISMATCH');
    await create(
      {
        code: 'BACKWARDS',
        percentOff: 5,
        startsAt: '2026-12-01T00:00:00Z',
        endsAt: '2026-11-01T00:00:00Z',
      },
      422,
    );
    await create({ code: 'x', percentOff: 5 }, 422);
    await create({ code: 'BAD CODE', percentOff: 5 }, 422);
    await create({ code: 'EXTRA', percentOff: 5, redemptions: 3 }, 422);
    await create({ code: 'NULLACTIVE', percentOff: 5, active: null }, 422);
    const { body } = await t
      .http()
      .get('/api/v1/shop/admin/coupons?sort=amount&limit=1000')
      .set(staff)
      .expect(422);
    expect(body).toMatchObject({ statusCode: 422 });
    const [{ n }] = await t.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM shop_coupons WHERE code <> ALL ('{FIVE,WINTER-10,TAKEN}')`,
    );
    expect(n).toBe(0);
  });

  it('should pause, end and limit a code, never below the uses taken', async () => {
    await create({ code: 'PAUSE', percentOff: 20, maxRedemptions: 5 }, 201);
    const patch = (body: object, status: number) =>
      t.http().patch('/api/v1/shop/admin/coupons/pause').set(staff).send(body).expect(status);

    await patch({ active: false }, 200);
    const paused = await cartWith('PAUSE');
    expect(paused.applied.status).toBe(422);
    expect((paused.applied.body as { code: string }).code).toBe('SHOP.COUPON_INVALID');

    await patch({ active: true, endsAt: '2020-01-01T00:00:00Z' }, 200);
    expect((await cartWith('PAUSE')).applied.status).toBe(422);
    const reopened = (await patch({ endsAt: null }, 200)).body as { coupon: Coupon };
    expect(reopened.coupon).toMatchObject({ endsAt: null, active: true, maxRedemptions: 5 });

    const { id } = await cartWith('PAUSE');
    await t
      .http()
      .post(`/api/v1/shop/carts/${id}/checkout`)
      .set('Idempotency-Key', randomUUID())
      .send({ email: 'p@example.com', shippingAddress: address })
      .expect(201);
    await patch({ maxRedemptions: 0 }, 422);
    // One use is taken: a limit of 1 is fine and closes the code; nothing lower is.
    await patch({ maxRedemptions: 1 }, 200);
    const late = await cartWith('PAUSE');
    const refused = await t
      .http()
      .post(`/api/v1/shop/carts/${late.id}/checkout`)
      .send({ email: 'q@example.com', shippingAddress: address })
      .expect(409);
    expect((refused.body as { code: string }).code).toBe('SHOP.COUPON_EXHAUSTED');
    await patch({ maxRedemptions: null }, 200);
    await patch({ percentOff: 50 }, 422); // the discount never changes
    await patch({ active: null }, 422);
    await t
      .http()
      .patch('/api/v1/shop/admin/coupons/NOPE')
      .set(staff)
      .send({ active: false })
      .expect(404);
  });

  it('should answer staff only', async () => {
    const customer = await registerUser(t);
    const editor = await createUserWithRole(t, Role.Editor);
    await t.http().get('/api/v1/shop/admin/coupons').expect(401);
    for (const u of [customer, editor]) {
      const as = { Authorization: `Token ${u.token}` };
      await t.http().get('/api/v1/shop/admin/coupons').set(as).expect(403);
      await t
        .http()
        .post('/api/v1/shop/admin/coupons')
        .set(as)
        .send({ code: 'SNEAKY', percentOff: 90 })
        .expect(403);
    }
    const [{ n }] = await t.dataSource.query<{ n: number }[]>(
      "SELECT count(*)::int AS n FROM shop_coupons WHERE code = 'SNEAKY'",
    );
    expect(n).toBe(0);
  });
});
