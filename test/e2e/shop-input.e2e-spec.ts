import { randomBytes, randomUUID } from 'node:crypto';
import { Role } from '@/core/auth/permissions';
import { signWebhook } from '@/modules/shop/payments/webhook-signature';
import { createVariant } from '../factories/shop.factory';
import { createUserWithRole, registerUser } from '../factories/user.factory';
import { createTestApp, type TestApp } from '../helpers/test-app';

type Who = 'anonymous' | 'customer' | 'editor' | 'admin';

interface Req {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Default: the caller the route is made for (see each table). */
  as?: Who;
}

/** A request, the status and the code it must be refused with. */
type Case = [name: string, req: Req, status: number, code: string];

interface ErrorBody {
  errors: Record<string, unknown>;
  code: string;
  message: string;
  statusCode: number;
  correlationId: string;
}

interface GqlBody {
  data?: Record<string, unknown> | null;
  errors?: {
    message: string;
    extensions?: Record<string, unknown> & { statusCode?: number; domainCode?: string };
  }[];
}

const BASE = '/api/v1/shop';
const SECRET = 'input-test-webhook-secret';
const INVALID = 'COMMON.VALIDATION_FAILED';
const BAD_REQUEST = 'HTTP.BAD_REQUEST';
const INT32_OVER = 2 ** 31;
const UNSAFE = 2 ** 53;
const address = { name: 'Ada', line1: '1 Road', city: 'Town', postalCode: '12345', country: 'DE' };
/** What an error body must never carry: stack frames, source paths, driver messages. */
const LEAK =
  /\n\s+at |node_modules|\/src\/|\.ts:\d+|QueryFailedError|violates|duplicate key|syntax error|stack/i;

const x = (n: number) => 'x'.repeat(n);
const uid = () =>
  randomBytes(5)
    .toString('hex')
    .replace(/\d/g, (d) => 'ghijklmnop'[Number(d)]);

const get = (url: string, as?: Who): Req => ({ method: 'get', url, as });
const post = (url: string, body?: unknown, headers?: Record<string, string>): Req => ({
  method: 'post',
  url,
  body,
  headers,
});
const put = (url: string, body?: unknown): Req => ({ method: 'put', url, body });
const patch = (url: string, body?: unknown, headers?: Record<string, string>): Req => ({
  method: 'patch',
  url,
  body,
  headers,
});
const del = (url: string): Req => ({ method: 'delete', url });

/**
 * Bad input for every shop body, query and parameter: out-of-range, fractional and oversized
 * numbers, unknown ids, malformed UUIDs and cursors, foreign currencies, prices and totals a
 * client made up, unknown fields, oversized strings, bad idempotency keys. Each is refused with a
 * 4xx in the one error body with its code — never a 500, never a stack — and the shop's tables
 * are byte for byte what they were.
 */
describe('Shop input validation (e2e)', () => {
  let t: TestApp;
  const tokens: Partial<Record<Who, string>> = {};
  let variantId: string;
  let nearlyFullVariantId: string;
  let draftVariantId: string;
  let guestCartId: string;
  let customerCartId: string;
  let emptyCartId: string;
  let guestOrder: { cartId: string; number: string; total: number };
  let paidOrder: { number: string; total: number };
  let cancelledOrder: string;
  let product: { slug: string; sku: string };
  let categorySlug: string;
  let collectionSlug: string;
  let endpointId: string;
  let shopTables: string[];

  const auth = (who: Who | undefined): Record<string, string> =>
    who && tokens[who] ? { Authorization: `Token ${tokens[who]}` } : {};

  async function cart(who: 'anonymous' | 'customer', quantity = 2): Promise<string> {
    const res = await t.http().post(`${BASE}/carts`).set(auth(who)).expect(201);
    const id = (res.body as { cart: { id: string } }).cart.id;
    if (quantity > 0) {
      await t
        .http()
        .put(`${BASE}/carts/${id}/items/${variantId}`)
        .set(auth(who))
        .send({ quantity })
        .expect(200);
    }
    return id;
  }

  async function checkout(cartId: string, who: 'anonymous' | 'customer') {
    const res = await t
      .http()
      .post(`${BASE}/carts/${cartId}/checkout`)
      .set(auth(who))
      .send({ email: 'input@example.com', shippingAddress: address })
      .expect(201);
    const { order } = res.body as {
      order: { number: string; totals: { total: { amount: number } } };
    };
    return { cartId, number: order.number, total: order.totals.total.amount };
  }

  beforeAll(async () => {
    t = await createTestApp({ env: { SHOP_WEBHOOK_SECRET: SECRET } });
    tokens.customer = (await registerUser(t)).token;
    tokens.editor = (await createUserWithRole(t, Role.Editor)).token;
    tokens.admin = (await createUserWithRole(t, Role.Admin)).token;
    variantId = await createVariant(t, { onHand: 50, priceMinor: 1000 });
    nearlyFullVariantId = await createVariant(t, { onHand: 2_147_483_000 });
    draftVariantId = await createVariant(t, { onHand: 50 });
    await t.dataSource.query(
      `UPDATE shop_products SET status = 'draft'
       WHERE id = (SELECT product_id FROM shop_variants WHERE id = $1)`,
      [draftVariantId],
    );
    await t.dataSource.query(
      `INSERT INTO shop_coupons (code, kind, amount, starts_at, ends_at, active) VALUES
         ('INPUT10', 'percentage', 10, NULL, NULL, true),
         ('EXPIRED', 'fixed', 100, now() - interval '2 days', now() - interval '1 day', true),
         ('SWITCHEDOFF', 'fixed', 100, NULL, NULL, false)`,
    );
    guestCartId = await cart('anonymous');
    customerCartId = await cart('customer');
    emptyCartId = await cart('anonymous', 0);
    guestOrder = await checkout(await cart('anonymous'), 'anonymous');
    const paid = await checkout(await cart('anonymous', 1), 'anonymous');
    await t.dataSource.query(
      `WITH o AS (
         UPDATE shop_orders SET status = 'paid', captured_minor = total_minor, reserved_until = NULL
         WHERE number = $1 RETURNING id, total_minor, currency
       )
       INSERT INTO shop_payments (order_id, provider, provider_payment_id, amount_minor, currency, status)
       SELECT id, 'fake', 'fpi_' || md5(id::text), total_minor, currency, 'succeeded' FROM o`,
      [paid.number],
    );
    paidOrder = paid;
    // The customer's own cart becomes their cancelled order (a fresh open cart follows).
    const mine = await checkout(customerCartId, 'customer');
    await t
      .http()
      .post(`${BASE}/orders/${mine.number}/cancel`)
      .set(auth('customer'))
      .send({})
      .expect(200);
    cancelledOrder = mine.number;
    customerCartId = await cart('customer');

    const u = uid();
    await t
      .http()
      .post(`${BASE}/products`)
      .set(auth('editor'))
      .send({
        product: {
          title: `Input ${u}`,
          slug: `input-${u}`,
          status: 'active',
          variants: [{ sku: `${u}-a`, title: 'A', price: { amount: 1000, currency: 'EUR' } }],
        },
      })
      .expect(201);
    product = { slug: `input-${u}`, sku: `${u}-a` };
    categorySlug = `cat-${u}`;
    await t
      .http()
      .post(`${BASE}/categories`)
      .set(auth('editor'))
      .send({ category: { name: categorySlug, slug: categorySlug } })
      .expect(201);
    collectionSlug = `col-${u}`;
    await t
      .http()
      .post(`${BASE}/collections`)
      .set(auth('editor'))
      .send({ collection: { title: collectionSlug, slug: collectionSlug } })
      .expect(201);
    const endpoint = await t
      .http()
      .post(`${BASE}/webhook-endpoints`)
      .set(auth('admin'))
      .send({ url: 'https://erp.example.com/hooks', events: ['shop.orderPaid'] })
      .expect(201);
    endpointId = (endpoint.body as { endpoint: { id: string } }).endpoint.id;

    shopTables = (
      await t.dataSource.query<{ table_name: string }[]>(
        `SELECT table_name FROM information_schema.tables
         WHERE table_schema = 'public' AND (table_name LIKE 'shop\\_%' OR table_name LIKE 'outbox%')
         ORDER BY table_name`,
      )
    ).map((r) => r.table_name);
  });

  afterAll(async () => {
    await t.close();
  });

  /** One hash per shop table over all its rows: any insert, update or delete changes it. */
  async function fingerprint(): Promise<Record<string, string>> {
    const rows = await t.dataSource.query<{ name: string; hash: string }[]>(
      shopTables
        .map(
          (name) =>
            `SELECT '${name}' AS name, md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), '')) AS hash FROM "${name}" r`,
        )
        .join(' UNION ALL '),
    );
    return Object.fromEntries(rows.map((r) => [r.name, r.hash]));
  }

  function send(req: Req, fallback: Who) {
    const call = t
      .http()
      [req.method](req.url)
      .set(auth(req.as ?? fallback))
      .set(req.headers ?? {});
    return req.body === undefined ? call : call.send(req.body as object);
  }

  /** The one error body, nothing in it that only a developer should see. */
  function expectErrorBody(name: string, res: { status: number; body: unknown; headers: object }) {
    const body = res.body as ErrorBody;
    expect({ name, keys: Object.keys(body).sort() }).toEqual({
      name,
      keys: ['code', 'correlationId', 'errors', 'message', 'statusCode'],
    });
    expect({ name, statusCode: body.statusCode }).toEqual({ name, statusCode: res.status });
    for (const messages of Object.values(body.errors)) {
      expect(messages).toEqual(expect.arrayContaining([expect.any(String)]));
    }
    expect((res.headers as Record<string, string>)['x-request-id']).toBe(body.correlationId);
    expect({ name, body: JSON.stringify(body) }).not.toEqual({
      name,
      body: expect.stringMatching(LEAK),
    });
  }

  /** Sends each case; each must be refused as stated and leave the shop's tables unchanged. */
  async function expectRefused(cases: Case[], caller: Who) {
    for (const [name, req, status, code] of cases) {
      const before = await fingerprint();
      const res = await send(req, caller);
      expect({ name, status: res.status, code: (res.body as ErrorBody).code }).toEqual({
        name,
        status,
        code,
      });
      expectErrorBody(name, res);
      expect({ name, tables: await fingerprint() }).toEqual({ name, tables: before });
    }
  }

  // ------------------------------------------------------------------ carts

  describe('cart items (SetQuantityBody, cart and variant ids)', () => {
    it('should refuse bad quantities, ids and extra fields with 4xx and keep the cart', async () => {
      const item = (body: unknown, cartId = guestCartId, variant = variantId) =>
        put(`${BASE}/carts/${cartId}/items/${variant}`, body);
      await expectRefused(
        [
          ['negative', item({ quantity: -1 }), 422, INVALID],
          ['zero', item({ quantity: 0 }), 422, INVALID],
          ['fractional', item({ quantity: 1.5 }), 422, INVALID],
          ['above the line maximum', item({ quantity: 1000 }), 422, INVALID],
          ['above int32', item({ quantity: INT32_OVER }), 422, INVALID],
          ['above the safe integers', item({ quantity: UNSAFE }), 422, INVALID],
          ['1e308', item({ quantity: 1e308 }), 422, INVALID],
          ['a numeric string', item({ quantity: '2' }), 422, INVALID],
          ['null', item({ quantity: null }), 422, INVALID],
          ['a boolean', item({ quantity: true }), 422, INVALID],
          ['an array', item({ quantity: [1] }), 422, INVALID],
          ['missing', item({}), 422, INVALID],
          ['a body that is an array', item([{ quantity: 1 }]), 422, INVALID],
          ['a client price', item({ quantity: 1, unitPrice: 1 }), 422, INVALID],
          [
            'a client money price',
            item({ quantity: 1, price: { amount: 1, currency: 'EUR' } }),
            422,
            INVALID,
          ],
          ['more than in stock', item({ quantity: 51 }), 409, 'SHOP.OUT_OF_STOCK'],
          ['a malformed variant id', item({ quantity: 1 }, guestCartId, 'nope'), 400, BAD_REQUEST],
          [
            'an unknown variant',
            item({ quantity: 1 }, guestCartId, randomUUID()),
            404,
            'SHOP.VARIANT_NOT_FOUND',
          ],
          [
            'a variant of a draft product',
            item({ quantity: 1 }, guestCartId, draftVariantId),
            404,
            'SHOP.VARIANT_NOT_FOUND',
          ],
          ['a malformed cart id', item({ quantity: 1 }, 'not-a-uuid'), 400, BAD_REQUEST],
          [
            'a cart id that is not a v4 UUID',
            item({ quantity: 1 }, 'a8098c1a-f86e-11da-bd1a-00112444be1e'),
            400,
            BAD_REQUEST,
          ],
          ['an unknown cart', item({ quantity: 1 }, randomUUID()), 404, 'SHOP.CART_NOT_FOUND'],
          [
            'a cart already checked out',
            item({ quantity: 1 }, guestOrder.cartId),
            409,
            'SHOP.CART_NOT_OPEN',
          ],
          [
            'a removal with a malformed variant id',
            del(`${BASE}/carts/${guestCartId}/items/%20`),
            400,
            BAD_REQUEST,
          ],
        ],
        'anonymous',
      );
    });

    it('should refuse a form-encoded or malformed JSON body (no implicit conversion)', async () => {
      const url = `${BASE}/carts/${guestCartId}/items/${variantId}`;
      const before = await fingerprint();
      const form = await t
        .http()
        .put(url)
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .send('quantity=5');
      expect([form.status, (form.body as ErrorBody).code]).toEqual([422, INVALID]);
      expectErrorBody('form', form);
      const broken = await t
        .http()
        .put(url)
        .set('Content-Type', 'application/json')
        .send('{"quantity": 5');
      expect([broken.status, (broken.body as ErrorBody).code]).toEqual([400, BAD_REQUEST]);
      // The body parser refuses these; the request id is assigned before it runs.
      expectErrorBody('malformed JSON', broken);
      const huge = await t
        .http()
        .put(url)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ quantity: 1, padding: x(200_000) }));
      expect([huge.status, (huge.body as ErrorBody).code]).toEqual([413, 'HTTP.PAYLOAD_TOO_LARGE']);
      expectErrorBody('oversized body', huge);
      expect(await fingerprint()).toEqual(before);
      const { body } = await t.http().get(`${BASE}/carts/${guestCartId}`).expect(200);
      expect((body as { cart: { items: { quantity: number }[] } }).cart.items).toEqual([
        expect.objectContaining({ variantId, quantity: 2 }),
      ]);
    });
  });

  describe('coupons (ApplyCouponBody)', () => {
    it('should refuse malformed, unknown, expired and switched-off codes', async () => {
      const coupon = (body: unknown) => put(`${BASE}/carts/${guestCartId}/coupon`, body);
      await expectRefused(
        [
          ['empty', coupon({ code: '' }), 422, INVALID],
          ['65 characters', coupon({ code: x(65) }), 422, INVALID],
          ['a space', coupon({ code: 'HAS SPACE' }), 422, INVALID],
          ['non-ASCII', coupon({ code: 'ÉTÉ' }), 422, INVALID],
          ['a number', coupon({ code: 10 }), 422, INVALID],
          ['null', coupon({ code: null }), 422, INVALID],
          ['missing', coupon({}), 422, INVALID],
          ['a client discount', coupon({ code: 'INPUT10', discount: 100 }), 422, INVALID],
          ['unknown', coupon({ code: 'NOSUCHCODE' }), 422, 'SHOP.COUPON_INVALID'],
          ['expired', coupon({ code: 'EXPIRED' }), 422, 'SHOP.COUPON_INVALID'],
          ['switched off', coupon({ code: 'switchedoff' }), 422, 'SHOP.COUPON_INVALID'],
          [
            'on an unknown cart',
            put(`${BASE}/carts/${randomUUID()}/coupon`, { code: 'INPUT10' }),
            404,
            'SHOP.CART_NOT_FOUND',
          ],
        ],
        'anonymous',
      );
    });
  });

  // ------------------------------------------------------------------ checkout

  describe('checkout (CheckoutBody, Idempotency-Key)', () => {
    const base = { email: 'guest@example.com', shippingAddress: address };

    it('should never take a price, total or line from the client', async () => {
      const pay = (body: object) =>
        post(`${BASE}/carts/${guestCartId}/checkout`, { ...base, ...body });
      const money = (amount: unknown, currency: unknown = 'EUR') => ({
        expectedTotal: { amount, currency },
      });
      await expectRefused(
        [
          ['a lower expected total', pay(money(1)), 409, 'SHOP.PRICE_CHANGED'],
          ['a higher expected total', pay(money(10 ** 9)), 409, 'SHOP.PRICE_CHANGED'],
          ['a negative expected total', pay(money(-1)), 422, INVALID],
          ['a fractional expected total', pay(money(24.9)), 422, INVALID],
          ['an expected total as a string', pay(money('2490')), 422, INVALID],
          ['an unsafe expected total', pay(money(UNSAFE)), 422, INVALID],
          [
            'an expected total without currency',
            pay({ expectedTotal: { amount: 1 } }),
            422,
            INVALID,
          ],
          ['another currency', pay(money(2490, 'USD')), 422, 'SHOP.CURRENCY_MISMATCH'],
          ['a lower-case currency', pay(money(2490, 'eur')), 422, 'SHOP.CURRENCY_MISMATCH'],
          ['a four-letter currency', pay(money(2490, 'EURO')), 422, INVALID],
          ['a numeric currency', pay(money(2490, 978)), 422, INVALID],
          ['a client total', pay({ total: { amount: 1, currency: 'EUR' } }), 422, INVALID],
          ['client totals', pay({ totals: { total: { amount: 1 } } }), 422, INVALID],
          ['a client subtotal', pay({ subtotal: 1 }), 422, INVALID],
          ['a client discount', pay({ discount: { amount: 2490, currency: 'EUR' } }), 422, INVALID],
          [
            'client lines',
            pay({ items: [{ variantId, quantity: 1, unitPrice: { amount: 1, currency: 'EUR' } }] }),
            422,
            INVALID,
          ],
          ['a client coupon', pay({ couponCode: 'INPUT10' }), 422, INVALID],
          ['a client status', pay({ status: 'paid' }), 422, INVALID],
        ],
        'anonymous',
      );
    });

    it('should refuse bad addresses, emails and carts', async () => {
      const pay = (body: object, cartId = guestCartId) =>
        post(`${BASE}/carts/${cartId}/checkout`, { ...base, ...body });
      const at = (fields: object) => pay({ shippingAddress: { ...address, ...fields } });
      await expectRefused(
        [
          ['no address', pay({ shippingAddress: undefined }), 422, INVALID],
          ['a null address', pay({ shippingAddress: null }), 422, INVALID],
          ['an address as text', pay({ shippingAddress: '1 Road, Town' }), 422, INVALID],
          ['an address as a list', pay({ shippingAddress: [address] }), 422, INVALID],
          ['an expected total as text', pay({ expectedTotal: '24.90 EUR' }), 422, INVALID],
          ['a blank name', at({ name: '   ' }), 422, INVALID],
          ['a 201-character name', at({ name: x(201) }), 422, INVALID],
          ['a 201-character line1', at({ line1: x(201) }), 422, INVALID],
          ['a 201-character line2', at({ line2: x(201) }), 422, INVALID],
          ['a 101-character city', at({ city: x(101) }), 422, INVALID],
          ['a one-character postal code', at({ postalCode: '1' }), 422, INVALID],
          ['a 13-character postal code', at({ postalCode: '1234567890123' }), 422, INVALID],
          ['an unknown country', at({ country: 'XX' }), 422, INVALID],
          ['a three-letter country', at({ country: 'DEU' }), 422, INVALID],
          ['an unknown address field', at({ phone: '+49 30 1234' }), 422, INVALID],
          ['an invalid email', pay({ email: 'not-an-email' }), 422, INVALID],
          ['a 255-character email', pay({ email: `${x(243)}@example.com` }), 422, INVALID],
          ['a guest without email', pay({ email: undefined }), 422, INVALID],
          ['an empty cart', pay({}, emptyCartId), 422, 'SHOP.CART_EMPTY'],
          ['an unknown cart', pay({}, randomUUID()), 404, 'SHOP.CART_NOT_FOUND'],
          ['a malformed cart id', pay({}, 'nope'), 400, BAD_REQUEST],
          ['a cart already ordered', pay({}, guestOrder.cartId), 409, 'SHOP.CART_NOT_OPEN'],
        ],
        'anonymous',
      );
    });

    it('should refuse malformed Idempotency-Keys before doing anything', async () => {
      const withKey = (key: string) =>
        post(`${BASE}/carts/${guestCartId}/checkout`, base, { 'Idempotency-Key': key });
      await expectRefused(
        [
          ['256 characters', withKey(x(256)), 400, 'IDEMPOTENCY.INVALID_KEY'],
          ['empty', withKey(''), 400, 'IDEMPOTENCY.INVALID_KEY'],
          ['a tab inside', withKey('key\twith-tab'), 400, 'IDEMPOTENCY.INVALID_KEY'],
          ['a non-ASCII character', withKey('clé-1'), 400, 'IDEMPOTENCY.INVALID_KEY'],
        ],
        'anonymous',
      );
    });
  });

  // ------------------------------------------------------------------ payments and refunds

  describe('payments (PayBody, Idempotency-Key)', () => {
    it('should refuse unknown methods, client amounts and missing keys', async () => {
      const key = () => ({ 'Idempotency-Key': randomUUID() });
      const guest = (
        body: unknown,
        headers: Record<string, string> = key(),
        cartId = guestOrder.cartId,
      ) => post(`${BASE}/carts/${cartId}/order/payments`, body, headers);
      const own = (number: string, body: unknown = { paymentMethod: 'pm_card_visa' }) => ({
        ...post(`${BASE}/orders/${encodeURIComponent(number)}/payments`, body, key()),
        as: 'customer' as const,
      });
      await expectRefused(
        [
          ['no key', guest({ paymentMethod: 'pm_card_visa' }, {}), 400, 'IDEMPOTENCY.KEY_REQUIRED'],
          [
            'a 256-character key',
            guest({ paymentMethod: 'pm_card_visa' }, { 'Idempotency-Key': x(256) }),
            400,
            'IDEMPOTENCY.INVALID_KEY',
          ],
          [
            'a method the provider does not know',
            guest({ paymentMethod: 'pm_card_mastercard' }),
            422,
            'SHOP.PAYMENT_METHOD_UNKNOWN',
          ],
          ['a method that is no method id', guest({ paymentMethod: 'visa' }), 422, INVALID],
          ['a 300-character method id', guest({ paymentMethod: `pm_${x(297)}` }), 422, INVALID],
          ['no method', guest({}), 422, INVALID],
          ['a method as a number', guest({ paymentMethod: 4242 }), 422, INVALID],
          ['a client amount', guest({ paymentMethod: 'pm_card_visa', amount: 1 }), 422, INVALID],
          [
            'a client currency',
            guest({ paymentMethod: 'pm_card_visa', currency: 'USD' }),
            422,
            INVALID,
          ],
          [
            'a cart without an order',
            guest({ paymentMethod: 'pm_card_visa' }, key(), guestCartId),
            404,
            'SHOP.ORDER_NOT_FOUND',
          ],
          [
            'a malformed cart id',
            guest({ paymentMethod: 'pm_card_visa' }, key(), 'nope'),
            400,
            BAD_REQUEST,
          ],
          ['an unknown order number', own('SO-NOSUCHORDER1'), 404, 'SHOP.ORDER_NOT_FOUND'],
          ['a 2000-character order number', own(x(2000)), 404, 'SHOP.ORDER_NOT_FOUND'],
          ['a cancelled order', own(cancelledOrder), 409, 'SHOP.ORDER_NOT_PAYABLE'],
          [
            'a client amount on an own order',
            own(cancelledOrder, { paymentMethod: 'pm_card_visa', amount: { amount: 1 } }),
            422,
            INVALID,
          ],
        ],
        'anonymous',
      );
    });
  });

  describe('refunds (RefundBody)', () => {
    it('should refuse bad amounts, foreign currencies and more than captured', async () => {
      const refund = (body: unknown, number = paidOrder.number, headers?: Record<string, string>) =>
        post(
          `${BASE}/orders/${encodeURIComponent(number)}/refunds`,
          body,
          headers ?? { 'Idempotency-Key': randomUUID() },
        );
      const amount = (value: unknown, currency: unknown = 'EUR') => ({
        amount: { amount: value, currency },
      });
      await expectRefused(
        [
          ['negative', refund(amount(-1)), 422, INVALID],
          ['zero', refund(amount(0)), 422, INVALID],
          ['no amount', refund({ reason: 'x' }), 422, INVALID],
          ['fractional', refund(amount(1.5)), 422, INVALID],
          ['a string', refund(amount('100')), 422, INVALID],
          ['above the safe integers', refund(amount(UNSAFE)), 422, INVALID],
          ['null', refund({ amount: null }), 422, INVALID],
          ['a bare number', refund({ amount: 100 }), 422, INVALID],
          ['no currency', refund({ amount: { amount: 100 } }), 422, INVALID],
          ['a four-letter currency', refund(amount(100, 'EURO')), 422, INVALID],
          ['another currency', refund(amount(100, 'USD')), 422, 'SHOP.CURRENCY_MISMATCH'],
          [
            'more than captured',
            refund(amount(paidOrder.total + 1)),
            422,
            'SHOP.REFUND_EXCEEDS_CAPTURED',
          ],
          ['above int32', refund(amount(INT32_OVER)), 422, 'SHOP.REFUND_EXCEEDS_CAPTURED'],
          ['a 501-character reason', refund({ ...amount(100), reason: x(501) }), 422, INVALID],
          ['a client refunded total', refund({ ...amount(100), refundedMinor: 0 }), 422, INVALID],
          ['no key', refund(amount(100), paidOrder.number, {}), 400, 'IDEMPOTENCY.KEY_REQUIRED'],
          [
            'an unpaid order',
            refund(amount(100), guestOrder.number),
            422,
            'SHOP.REFUND_EXCEEDS_CAPTURED',
          ],
          ['an unknown order', refund(amount(100), 'SO-NOSUCHORDER1'), 404, 'SHOP.ORDER_NOT_FOUND'],
        ],
        'admin',
      );
    });
  });

  // ------------------------------------------------------------------ orders

  describe('orders (ListOrdersQuery, CancelOrderBody, order number)', () => {
    it('should refuse bad pages, statuses and sorts, and odd order numbers', async () => {
      const list = (query: string) => get(`${BASE}/orders?${query}`);
      const cancel = (body: unknown, number = guestOrder.number) =>
        post(`${BASE}/orders/${number}/cancel`, body);
      await expectRefused(
        [
          ['limit above the page size', list('limit=101'), 422, INVALID],
          ['limit 0', list('limit=0'), 422, INVALID],
          ['negative limit', list('limit=-1'), 422, INVALID],
          ['fractional limit', list('limit=1.5'), 422, INVALID],
          ['limit as a word', list('limit=ten'), 422, INVALID],
          ['limit above int32', list(`limit=${INT32_OVER}`), 422, INVALID],
          ['negative offset', list('offset=-1'), 422, INVALID],
          ['offset above the maximum', list('offset=1000001'), 422, INVALID],
          ['an unknown status', list('status=shipped'), 422, INVALID],
          ['an unknown sort key', list('sort=total'), 422, INVALID],
          ['an unknown filter', list('customerId=someone'), 422, INVALID],
          ['a NUL in the number', get(`${BASE}/orders/SO-%00`), 422, INVALID],
          [
            'a 2000-character number',
            get(`${BASE}/orders/${x(2000)}`),
            404,
            'SHOP.ORDER_NOT_FOUND',
          ],
          ['a number with a quote', get(`${BASE}/orders/SO-'%3B--`), 404, 'SHOP.ORDER_NOT_FOUND'],
          ['a reason as a number', { ...cancel({ reason: 5 }), as: 'admin' }, 422, INVALID],
          ['a 501-character reason', { ...cancel({ reason: x(501) }), as: 'admin' }, 422, INVALID],
          ['a client status', { ...cancel({ status: 'cancelled' }), as: 'admin' }, 422, INVALID],
          [
            'an unknown order',
            { ...cancel({}, 'SO-NOSUCHORDER1'), as: 'admin' },
            404,
            'SHOP.ORDER_NOT_FOUND',
          ],
        ],
        'customer',
      );
    });
  });

  // ------------------------------------------------------------------ inventory

  describe('stock (StockAdjustmentBody, movements page)', () => {
    it('should refuse zero, fractional, out-of-range and foreign adjustments', async () => {
      const adjust = (body: unknown, id = variantId) =>
        post(`${BASE}/variants/${id}/stock-adjustments`, body);
      const delta = (value: unknown) => adjust({ delta: value, note: 'count' });
      await expectRefused(
        [
          ['zero', delta(0), 422, INVALID],
          ['fractional', delta(1.5), 422, INVALID],
          ['below -1,000,000', delta(-1_000_001), 422, INVALID],
          ['above 1,000,000', delta(1_000_001), 422, INVALID],
          ['above int32', delta(INT32_OVER), 422, INVALID],
          ['a string', delta('5'), 422, INVALID],
          ['null', delta(null), 422, INVALID],
          ['no delta', adjust({ note: 'count' }), 422, INVALID],
          ['no note', adjust({ delta: 1 }), 422, INVALID],
          ['a blank note', adjust({ delta: 1, note: '   ' }), 422, INVALID],
          ['a 501-character note', adjust({ delta: 1, note: x(501) }), 422, INVALID],
          [
            'a reason the ledger keeps for itself',
            adjust({ delta: 1, note: 'n', reason: 'sale' }),
            422,
            INVALID,
          ],
          ['an unknown reason', adjust({ delta: 1, note: 'n', reason: 'gift' }), 422, INVALID],
          ['a client on-hand level', adjust({ delta: 1, note: 'n', onHand: 100 }), 422, INVALID],
          ['a client reserved level', adjust({ delta: 1, note: 'n', reserved: 0 }), 422, INVALID],
          ['more than on hand', delta(-1_000_000), 409, 'SHOP.STOCK_BELOW_RESERVED'],
          [
            'past the on-hand range',
            adjust({ delta: 1_000_000, note: 'big' }, nearlyFullVariantId),
            422,
            'SHOP.STOCK_LIMIT',
          ],
          ['below what is reserved', delta(-49), 409, 'SHOP.STOCK_BELOW_RESERVED'],
          [
            'an unknown variant',
            adjust({ delta: 1, note: 'n' }, randomUUID()),
            404,
            'SHOP.VARIANT_NOT_FOUND',
          ],
          ['a malformed variant id', adjust({ delta: 1, note: 'n' }, 'nope'), 400, BAD_REQUEST],
          [
            'a bad key',
            { ...delta(1), headers: { 'Idempotency-Key': x(256) } },
            400,
            'IDEMPOTENCY.INVALID_KEY',
          ],
          [
            'movements: limit 101',
            get(`${BASE}/variants/${variantId}/stock-movements?limit=101`),
            422,
            INVALID,
          ],
          [
            'movements: offset -1',
            get(`${BASE}/variants/${variantId}/stock-movements?offset=-1`),
            422,
            INVALID,
          ],
          [
            'movements: unknown sort',
            get(`${BASE}/variants/${variantId}/stock-movements?sort=delta`),
            422,
            INVALID,
          ],
          [
            'movements: unknown variant',
            get(`${BASE}/variants/${randomUUID()}/stock-movements`),
            404,
            'SHOP.VARIANT_NOT_FOUND',
          ],
          ['movements: malformed id', get(`${BASE}/variants/1/stock-movements`), 400, BAD_REQUEST],
        ],
        'admin',
      );
    });
  });

  // ------------------------------------------------------------------ webhooks

  describe('outbound webhook endpoints (CreateWebhookEndpointBody)', () => {
    it('should refuse bad URLs, event lists and client-chosen secrets', async () => {
      const create = (body: unknown) => post(`${BASE}/webhook-endpoints`, body);
      const events = ['shop.orderPaid'];
      await expectRefused(
        [
          ['no URL', create({ events }), 422, INVALID],
          ['not a URL', create({ url: 'not a url', events }), 422, INVALID],
          ['ftp', create({ url: 'ftp://erp.example.com/x', events }), 422, INVALID],
          ['javascript:', create({ url: 'javascript:alert(1)', events }), 422, INVALID],
          [
            'a 2001-character URL',
            create({ url: `https://e.example.com/${x(1980)}`, events }),
            422,
            INVALID,
          ],
          ['no events', create({ url: 'https://e.example.com', events: [] }), 422, INVALID],
          [
            'an unknown event',
            create({ url: 'https://e.example.com', events: ['shop.orderShipped'] }),
            422,
            INVALID,
          ],
          [
            'events as a string',
            create({ url: 'https://e.example.com', events: 'shop.orderPaid' }),
            422,
            INVALID,
          ],
          [
            'an event twice',
            create({ url: 'https://e.example.com', events: ['shop.orderPaid', 'shop.orderPaid'] }),
            422,
            INVALID,
          ],
          [
            'more events than exist',
            create({
              url: 'https://e.example.com',
              events: [
                'shop.orderPaid',
                'shop.orderPlaced',
                'shop.orderRefunded',
                'shop.orderPaid',
              ],
            }),
            422,
            INVALID,
          ],
          [
            'a client secret',
            create({ url: 'https://e.example.com', events, secret: 'whsec_mine' }),
            422,
            INVALID,
          ],
          [
            'a client flag',
            create({ url: 'https://e.example.com', events, active: false }),
            422,
            INVALID,
          ],
          ['delete: malformed id', del(`${BASE}/webhook-endpoints/nope`), 400, BAD_REQUEST],
          [
            'delete: unknown id',
            del(`${BASE}/webhook-endpoints/${randomUUID()}`),
            404,
            'SHOP.WEBHOOK_ENDPOINT_NOT_FOUND',
          ],
          [
            'deliveries: limit 101',
            get(`${BASE}/webhook-endpoints/${endpointId}/deliveries?limit=101`),
            422,
            INVALID,
          ],
          [
            'deliveries: unknown endpoint',
            get(`${BASE}/webhook-endpoints/${randomUUID()}/deliveries`),
            404,
            'SHOP.WEBHOOK_ENDPOINT_NOT_FOUND',
          ],
        ],
        'admin',
      );
    });
  });

  describe('payment provider webhook (raw body)', () => {
    it('should refuse signed bodies that are not JSON and oversized signatures', async () => {
      const signed = (raw: string, contentType = 'application/json'): Req => ({
        method: 'post',
        url: `${BASE}/webhooks/fake`,
        body: raw,
        headers: { 'Content-Type': contentType, 'Stoa-Signature': signWebhook(SECRET, raw) },
      });
      const event = JSON.stringify({
        id: `evt_${x(300)}`,
        type: 'payment.succeeded',
        created: Math.floor(Date.now() / 1000),
        data: { payment: 'fpi_input', amount: 1, currency: 'EUR' },
      });
      await expectRefused(
        [
          ['signed, not JSON', signed('{"id": "evt_1", '), 400, BAD_REQUEST],
          ['signed, an event id longer than the store keeps', signed(event), 400, BAD_REQUEST],
          [
            'a 10,000-character signature',
            {
              ...signed('{}'),
              headers: { 'Content-Type': 'application/json', 'Stoa-Signature': x(10_000) },
            },
            400,
            'SHOP.WEBHOOK_SIGNATURE_INVALID',
          ],
          [
            'an unknown provider',
            { ...signed('{}'), url: `${BASE}/webhooks/${x(300)}` },
            404,
            'SHOP.UNKNOWN_PROVIDER',
          ],
        ],
        'anonymous',
      );
    });
  });

  // ------------------------------------------------------------------ coupons and sales

  describe('coupons and the sales report (CreateCouponBody, UpdateCouponBody, queries)', () => {
    it('should refuse bad codes, discounts, windows, limits and pages', async () => {
      const create = (fields: object) =>
        post(`${BASE}/admin/coupons`, { code: `C-${uid().toUpperCase()}`, ...fields });
      const money = (amount: unknown, currency = 'EUR') => ({ amountOff: { amount, currency } });
      await expectRefused(
        [
          ['a two-letter code', create({ code: 'AB', percentOff: 10 }), 422, INVALID],
          ['a 65-character code', create({ code: x(65), percentOff: 10 }), 422, INVALID],
          ['a code with a space', create({ code: 'NEW YEAR', percentOff: 10 }), 422, INVALID],
          ['no discount', create({}), 422, INVALID],
          ['0 %', create({ percentOff: 0 }), 422, INVALID],
          ['101 %', create({ percentOff: 101 }), 422, INVALID],
          ['a fractional percentage', create({ percentOff: 12.5 }), 422, INVALID],
          ['a negative amount off', create(money(-100)), 422, INVALID],
          ['a fractional amount off', create(money(9.99)), 422, INVALID],
          ['an unsafe amount off', create(money(UNSAFE)), 422, INVALID],
          ['an amount off in dollars', create(money(100, 'USD')), 422, 'SHOP.CURRENCY_MISMATCH'],
          [
            'a start that is no date',
            create({ percentOff: 10, startsAt: 'tomorrow' }),
            422,
            INVALID,
          ],
          ['zero uses', create({ percentOff: 10, maxRedemptions: 0 }), 422, INVALID],
          [
            'uses above int32',
            create({ percentOff: 10, maxRedemptions: INT32_OVER }),
            422,
            INVALID,
          ],
          ['zero uses per customer', create({ percentOff: 10, maxPerCustomer: 0 }), 422, INVALID],
          ['a client redemption count', create({ percentOff: 10, redemptions: 5 }), 422, INVALID],
          [
            'a new discount on an existing code',
            patch(`${BASE}/admin/coupons/INPUT10`, { percentOff: 90 }),
            422,
            INVALID,
          ],
          ['list: limit 101', get(`${BASE}/admin/coupons?limit=101`), 422, INVALID],
          ['list: an unknown sort', get(`${BASE}/admin/coupons?sort=redemptions`), 422, INVALID],
          ['list: active=yes', get(`${BASE}/admin/coupons?active=yes`), 422, INVALID],
          ['sales: a month 13', get(`${BASE}/admin/sales?from=2026-13-01`), 422, INVALID],
          ['sales: a date as a word', get(`${BASE}/admin/sales?to=today`), 422, INVALID],
          [
            'sales: more than 366 days',
            get(`${BASE}/admin/sales?from=2020-01-01&to=2026-01-01`),
            422,
            INVALID,
          ],
          ['sales: an unknown filter', get(`${BASE}/admin/sales?currency=USD`), 422, INVALID],
        ],
        'admin',
      );
    });
  });

  // ------------------------------------------------------------------ catalog writes

  describe('products and variants (CreateProductBody, UpdateProductBody, variant bodies)', () => {
    it('should refuse bad envelopes, oversized fields and fields the server owns', async () => {
      const create = (productBody: unknown) => post(`${BASE}/products`, { product: productBody });
      const variant = (fields: object) => ({
        title: `V ${uid()}`,
        variants: [{ sku: uid(), title: 'v', price: { amount: 100, currency: 'EUR' }, ...fields }],
      });
      await expectRefused(
        [
          ['no envelope', post(`${BASE}/products`, { title: 'Bare' }), 422, INVALID],
          ['a null product', create(null), 422, INVALID],
          ['a product as text', create('Tee'), 422, INVALID],
          ['a product as an array', create([{ title: 'Tee' }]), 422, INVALID],
          ['a blank title', create({ title: '   ' }), 422, INVALID],
          ['a 201-character title', create({ title: x(201) }), 422, INVALID],
          ['a title as a number', create({ title: 42 }), 422, INVALID],
          [
            'a 20,001-character description',
            create({ title: 'D', description: x(20_001) }),
            422,
            INVALID,
          ],
          ['a 201-character slug', create({ title: 'S', slug: x(201) }), 422, INVALID],
          ['an upper-case slug', create({ title: 'S', slug: 'Upper-Case' }), 422, INVALID],
          ['a 141-character category', create({ title: 'C', category: x(141) }), 422, INVALID],
          [
            'an unknown category',
            create({ title: 'C', category: `nowhere-${uid()}` }),
            422,
            'SHOP.UNKNOWN_CATEGORY',
          ],
          [
            'images as text',
            create({ title: 'I', images: 'https://cdn.example.com/a.jpg' }),
            422,
            INVALID,
          ],
          [
            'a 2049-character image URL',
            create({ title: 'I', images: [`https://cdn.example.com/${x(2030)}`] }),
            422,
            INVALID,
          ],
          [
            '101 variants',
            create({ title: 'V', variants: Array.from({ length: 101 }, () => ({})) }),
            422,
            INVALID,
          ],
          ['a negative weight', create(variant({ weightGrams: -1 })), 422, INVALID],
          [
            'a weight above the maximum',
            create(variant({ weightGrams: 1_000_000_001 })),
            422,
            INVALID,
          ],
          ['a negative position', create(variant({ position: -1 })), 422, INVALID],
          ['a position above the maximum', create(variant({ position: 1_000_001 })), 422, INVALID],
          [
            'eleven options',
            create(
              variant({
                options: Array.from({ length: 11 }, (_, i) => ({ name: `o${i}`, value: 'v' })),
              }),
            ),
            422,
            INVALID,
          ],
          [
            'an upper-case option name',
            create(variant({ options: [{ name: 'Size', value: 'M' }] })),
            422,
            INVALID,
          ],
          [
            'a 65-character option value',
            create(variant({ options: [{ name: 'size', value: x(65) }] })),
            422,
            INVALID,
          ],
          ['a 65-character SKU', create(variant({ sku: x(65) })), 422, INVALID],
          ['a client id', create({ title: 'T', id: randomUUID() }), 422, INVALID],
          ['a client version', create({ title: 'T', version: 7 }), 422, INVALID],
          ['a client availability', create(variant({ available: 5 })), 422, INVALID],
          ['a variant without a price', create(variant({ price: undefined })), 422, INVALID],
          ['a variant with a null price', create(variant({ price: null })), 422, INVALID],
          ['a client reserved count', create(variant({ reserved: 0 })), 422, INVALID],
        ],
        'editor',
      );
    });

    it('should refuse bad edits of products and variants and keep them as they were', async () => {
      const { slug, sku } = product;
      const edit = (fields: unknown, headers?: Record<string, string>) =>
        patch(`${BASE}/products/${slug}`, { product: fields }, headers);
      const addVariant = (fields: object, at = slug) =>
        post(`${BASE}/products/${at}/variants`, {
          variant: { sku: uid(), title: 'n', price: { amount: 1, currency: 'EUR' }, ...fields },
        });
      const editVariant = (fields: object, at = sku) =>
        patch(`${BASE}/products/${slug}/variants/${at}`, { variant: fields });
      await expectRefused(
        [
          ['variants through the product', edit({ variants: [] }), 422, INVALID],
          ['an unknown status', edit({ status: 'live' }), 422, INVALID],
          ['a client price range', edit({ priceMin: 1 }), 422, INVALID],
          [
            'an unknown category',
            edit({ category: `nowhere-${uid()}` }),
            422,
            'SHOP.UNKNOWN_CATEGORY',
          ],
          [
            'an If-Match that is no ETag of ours',
            edit({ title: 'Stale' }, { 'If-Match': '"garbage"' }),
            412,
            'SHOP.STALE_PRODUCT',
          ],
          [
            'an unknown product',
            patch(`${BASE}/products/nope-${uid()}`, { product: { title: 'x' } }),
            404,
            'SHOP.PRODUCT_NOT_FOUND',
          ],
          [
            'a NUL in the slug',
            patch(`${BASE}/products/a%00b`, { product: { title: 'x' } }),
            422,
            INVALID,
          ],
          [
            'a variant with a negative price',
            addVariant({ price: { amount: -1, currency: 'EUR' } }),
            422,
            INVALID,
          ],
          [
            'a variant priced in dollars',
            addVariant({ price: { amount: 100, currency: 'USD' } }),
            422,
            'SHOP.CURRENCY_MISMATCH',
          ],
          ['a variant priced as a number', addVariant({ price: 100 }), 422, INVALID],
          ['a variant with stock', addVariant({ onHand: 5 }), 422, INVALID],
          [
            'a variant of an unknown product',
            addVariant({}, `nope-${uid()}`),
            404,
            'SHOP.PRODUCT_NOT_FOUND',
          ],
          [
            'a variant without envelope',
            post(`${BASE}/products/${slug}/variants`, { sku: 'bare' }),
            422,
            INVALID,
          ],
          [
            'a repricing below zero',
            editVariant({ price: { amount: -5, currency: 'EUR' } }),
            422,
            INVALID,
          ],
          [
            'a fractional repricing',
            editVariant({ price: { amount: 9.99, currency: 'EUR' } }),
            422,
            INVALID,
          ],
          [
            'a repricing above the safe integers',
            editVariant({ price: { amount: UNSAFE, currency: 'EUR' } }),
            422,
            INVALID,
          ],
          [
            'a repricing in yen',
            editVariant({ price: { amount: 100, currency: 'JPY' } }),
            422,
            'SHOP.CURRENCY_MISMATCH',
          ],
          ['a new SKU that is not one', editVariant({ sku: 'has space' }), 422, INVALID],
          ['an unknown SKU', editVariant({ title: 'x' }, 'nope'), 404, 'SHOP.VARIANT_NOT_FOUND'],
          [
            'removing an unknown SKU',
            del(`${BASE}/products/${slug}/variants/nope`),
            404,
            'SHOP.VARIANT_NOT_FOUND',
          ],
        ],
        'editor',
      );
      const { body } = await t.http().get(`${BASE}/products/${slug}`).expect(200);
      expect((body as { product: { variants: { price: object }[] } }).product.variants).toEqual([
        expect.objectContaining({ sku, price: { amount: 1000, currency: 'EUR' } }),
      ]);
    });
  });

  describe('categories and collections', () => {
    it('should refuse bad names, slugs, parents and positions', async () => {
      const create = (fields: unknown) => post(`${BASE}/categories`, { category: fields });
      const coll = (fields: unknown) => post(`${BASE}/collections`, { collection: fields });
      await expectRefused(
        [
          ['an empty name', create({ name: '' }), 422, INVALID],
          ['a 121-character name', create({ name: x(121) }), 422, INVALID],
          ['a bad slug', create({ name: 'N', slug: 'Bad Slug' }), 422, INVALID],
          [
            'an unknown parent',
            create({ name: 'N', parent: `nowhere-${uid()}` }),
            422,
            'SHOP.UNKNOWN_CATEGORY',
          ],
          ['a negative position', create({ name: 'N', position: -1 }), 422, INVALID],
          ['a fractional position', create({ name: 'N', position: 1.5 }), 422, INVALID],
          [
            'a position above the maximum',
            create({ name: 'N', position: 1_000_001 }),
            422,
            INVALID,
          ],
          ['a client id', create({ name: 'N', id: randomUUID() }), 422, INVALID],
          [
            'a move below itself',
            patch(`${BASE}/categories/${categorySlug}`, { category: { parent: categorySlug } }),
            422,
            'SHOP.CATEGORY_CYCLE',
          ],
          [
            'an unknown category',
            patch(`${BASE}/categories/nope-${uid()}`, { category: { name: 'x' } }),
            404,
            'SHOP.CATEGORY_NOT_FOUND',
          ],
          [
            'deleting an unknown category',
            del(`${BASE}/categories/nope-${uid()}`),
            404,
            'SHOP.CATEGORY_NOT_FOUND',
          ],
          ['a collection without title', coll({}), 422, INVALID],
          ['a 201-character collection title', coll({ title: x(201) }), 422, INVALID],
          [
            'a 20,001-character collection description',
            coll({ title: 'C', description: x(20_001) }),
            422,
            INVALID,
          ],
          [
            'a collection with client products',
            coll({ title: 'C', products: [product.slug] }),
            422,
            INVALID,
          ],
          [
            'an unknown product into a collection',
            put(`${BASE}/collections/${collectionSlug}/products/nope-${uid()}`),
            404,
            'SHOP.PRODUCT_NOT_FOUND',
          ],
          [
            'a product into an unknown collection',
            put(`${BASE}/collections/nope-${uid()}/products/${product.slug}`),
            404,
            'SHOP.COLLECTION_NOT_FOUND',
          ],
        ],
        'editor',
      );
    });
  });

  // ------------------------------------------------------------------ catalog reads

  describe('product lists (ListProductsQuery, ListProductsAdminQuery, collection pages)', () => {
    const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

    it('should refuse bad filters, unknown sorts, oversized pages and forged cursors', async () => {
      const list = (query: string) => get(`${BASE}/products?${query}`);
      const id = randomUUID();
      await expectRefused(
        [
          ['a price above the safe integers', list(`priceMin=${UNSAFE}`), 422, INVALID],
          ['an infinite price', list('priceMax=Infinity'), 422, INVALID],
          ['a fractional price', list('priceMin=1.5'), 422, INVALID],
          ['a 201-character search', list(`q=${x(201)}`), 422, INVALID],
          ['a blank search', list('q=%20%20'), 422, INVALID],
          ['a 501-character option filter', list(`options=size:${x(496)}`), 422, INVALID],
          ['facets=yes', list('facets=yes'), 422, INVALID],
          ['an unknown sort', list('sort=-price'), 422, INVALID],
          ['a fractional limit', list('limit=1.5'), 422, INVALID],
          ['a negative limit', list('limit=-1'), 422, INVALID],
          ['an offset on a cursor list', list('offset=20'), 422, INVALID],
          ['a status nobody has', list('status=live'), 422, INVALID],
          ['a cursor of null', list(`cursor=${cursor(null)}`), 422, INVALID],
          ['a cursor of an array', list(`cursor=${cursor([])}`), 422, INVALID],
          [
            'a cursor with a bad id',
            list(`cursor=${cursor({ sort: 'newest', key: new Date().toISOString(), id: 'x' })}`),
            422,
            INVALID,
          ],
          [
            'a price cursor with an unsafe key',
            list(`sort=price_asc&cursor=${cursor({ sort: 'price_asc', key: UNSAFE, id })}`),
            422,
            INVALID,
          ],
          [
            'a relevance cursor with a text key',
            list(`q=tee&sort=relevance&cursor=${cursor({ sort: 'relevance', key: 'x', id })}`),
            422,
            INVALID,
          ],
          ['a 5000-character cursor', list(`cursor=${x(5000)}`), 422, INVALID],
          ...['1', 'March 7', '2024-02-30T00:00:00.000000Z', '+275760-09-13T00:00:00.000Z'].map(
            (key): Case => [
              `a newest cursor keyed ${key}`,
              list(`cursor=${cursor({ sort: 'newest', key, id })}`),
              422,
              INVALID,
            ],
          ),
          [
            'a relevance cursor past float4',
            list(`q=tee&sort=relevance&cursor=${cursor({ sort: 'relevance', key: 1e308, id })}`),
            422,
            INVALID,
          ],
          [
            'staff list: offset -1',
            get(`${BASE}/admin/products?offset=-1`, 'editor'),
            422,
            INVALID,
          ],
          [
            'staff list: offset above the maximum',
            get(`${BASE}/admin/products?offset=1000001`, 'editor'),
            422,
            INVALID,
          ],
          [
            'staff list: limit 101',
            get(`${BASE}/admin/products?limit=101`, 'editor'),
            422,
            INVALID,
          ],
          [
            'staff list: a cursor',
            get(`${BASE}/admin/products?cursor=abc`, 'editor'),
            422,
            INVALID,
          ],
          [
            'staff list: an unknown status',
            get(`${BASE}/admin/products?status=live`, 'editor'),
            422,
            INVALID,
          ],
          ['collections: limit 101', get(`${BASE}/collections?limit=101`), 422, INVALID],
          ['collections: fractional offset', get(`${BASE}/collections?offset=0.5`), 422, INVALID],
          ['a NUL in a product slug', get(`${BASE}/products/tee%00`), 422, INVALID],
          ['a NUL in a category slug', get(`${BASE}/categories/%00`), 422, INVALID],
          [
            'a 2000-character product slug',
            get(`${BASE}/products/${x(2000)}`),
            404,
            'SHOP.PRODUCT_NOT_FOUND',
          ],
          [
            'a 2000-character collection slug',
            get(`${BASE}/collections/${x(2000)}`),
            404,
            'SHOP.COLLECTION_NOT_FOUND',
          ],
        ],
        'anonymous',
      );
    });
  });

  // ------------------------------------------------------------------ GraphQL

  describe('GraphQL inputs', () => {
    const gql = async (query: string, variables: object = {}, who?: Who) => {
      const req = t.http().post('/graphql');
      if (who && tokens[who]) req.set('Authorization', `Bearer ${tokens[who]}`);
      const res = await req.send({ query, variables });
      return { status: res.status, body: res.body as GqlBody };
    };

    it('should refuse the same bad input over GraphQL, with codes and no stack traces', async () => {
      const SET = `mutation($c: ID!, $v: ID!, $q: Int!) { setCartItem(cartId: $c, variantId: $v, quantity: $q) { id } }`;
      const CHECKOUT = `mutation($c: ID!, $i: CheckoutInput!) { checkout(cartId: $c, input: $i) { number } }`;
      const PAY = `mutation($n: String!, $m: String!) { payOrder(number: $n, paymentMethod: $m) { status } }`;
      const set = (q: unknown, c = guestCartId, v = variantId) => ({ c, v, q });
      const expectedTotal = (amount: unknown, currency = 'EUR') => ({
        c: guestCartId,
        i: {
          email: 'g@example.com',
          shippingAddress: address,
          expectedTotal: { amount, currency },
        },
      });
      // [name, query, variables, caller, HTTP status, extensions.statusCode or undefined, domain code]
      const cases: [string, string, object, Who, number, number | undefined, string | undefined][] =
        [
          ['quantity 0', SET, set(0), 'anonymous', 200, 422, INVALID],
          ['quantity -1', SET, set(-1), 'anonymous', 200, 422, INVALID],
          ['quantity 1000', SET, set(1000), 'anonymous', 200, 422, INVALID],
          ['quantity above int32', SET, set(INT32_OVER), 'anonymous', 400, undefined, undefined],
          ['fractional quantity', SET, set(1.5), 'anonymous', 400, undefined, undefined],
          ['quantity as a string', SET, set('2'), 'anonymous', 400, undefined, undefined],
          ['a malformed cart id', SET, set(1, 'nope'), 'anonymous', 200, 422, INVALID],
          [
            'an unknown variant',
            SET,
            set(1, guestCartId, randomUUID()),
            'anonymous',
            200,
            404,
            'SHOP.VARIANT_NOT_FOUND',
          ],
          [
            'an expected total in dollars',
            CHECKOUT,
            expectedTotal(2490, 'USD'),
            'anonymous',
            200,
            422,
            'SHOP.CURRENCY_MISMATCH',
          ],
          [
            'a lower expected total',
            CHECKOUT,
            expectedTotal(1),
            'anonymous',
            200,
            409,
            'SHOP.PRICE_CHANGED',
          ],
          [
            'a negative expected total',
            CHECKOUT,
            expectedTotal(-1),
            'anonymous',
            200,
            422,
            INVALID,
          ],
          [
            'a fractional expected total',
            CHECKOUT,
            expectedTotal(24.9),
            'anonymous',
            400,
            undefined,
            undefined,
          ],
          [
            'a client total in the input',
            CHECKOUT,
            { c: guestCartId, i: { email: 'g@example.com', shippingAddress: address, total: 1 } },
            'anonymous',
            400,
            undefined,
            undefined,
          ],
          [
            'a 21-character order number',
            PAY,
            { n: x(21), m: 'pm_card_visa' },
            'customer',
            200,
            422,
            INVALID,
          ],
          [
            'a malformed payment method',
            PAY,
            { n: cancelledOrder, m: 'visa' },
            'customer',
            200,
            422,
            INVALID,
          ],
          [
            'myOrders limit 101',
            '{ myOrders(limit: 101) { ordersCount } }',
            {},
            'customer',
            200,
            422,
            INVALID,
          ],
          [
            'myOrders offset -1',
            '{ myOrders(offset: -1) { ordersCount } }',
            {},
            'customer',
            200,
            422,
            INVALID,
          ],
          [
            'products limit 101',
            '{ products(limit: 101) { nextCursor } }',
            {},
            'anonymous',
            200,
            422,
            INVALID,
          ],
          [
            'products by an unknown sort',
            '{ products(sort: "popularity") { nextCursor } }',
            {},
            'anonymous',
            400,
            undefined,
            undefined,
          ],
          [
            'a forged products cursor',
            '{ products(cursor: "bm90IGpzb24") { nextCursor } }',
            {},
            'anonymous',
            200,
            422,
            INVALID,
          ],
          [
            'a product priced in dollars',
            'mutation { createProduct(input: { title: "Dollar", variants: [{ sku: "gql-usd", title: "u", price: { amount: 100, currency: "USD" } }] }) { slug } }',
            {},
            'editor',
            200,
            422,
            'SHOP.CURRENCY_MISMATCH',
          ],
          [
            'a product with a 201-character title',
            `mutation { createProduct(input: { title: "${x(201)}" }) { slug } }`,
            {},
            'editor',
            200,
            422,
            INVALID,
          ],
          [
            'a product with an unsafe price',
            `mutation { createProduct(input: { title: "Big", variants: [{ sku: "gql-big", title: "b", price: { amount: ${UNSAFE}, currency: "EUR" } }] }) { slug } }`,
            {},
            'editor',
            400,
            undefined,
            undefined,
          ],
        ];
      for (const [name, query, variables, who, httpStatus, statusCode, code] of cases) {
        const before = await fingerprint();
        const { status, body } = await gql(query, variables, who);
        const error = body.errors?.[0];
        expect({
          name,
          status,
          statusCode: error?.extensions?.statusCode,
          code: error?.extensions?.domainCode,
        }).toEqual({
          name,
          status: httpStatus,
          statusCode,
          code,
        });
        expect(body.data ? Object.values(body.data).every((v) => v === null) : true).toBe(true);
        for (const e of body.errors ?? []) {
          expect({ name, stacktrace: e.extensions?.stacktrace }).toEqual({
            name,
            stacktrace: undefined,
          });
          expect({ name, leak: LEAK.test(JSON.stringify(e)) }).toEqual({ name, leak: false });
        }
        expect({ name, tables: await fingerprint() }).toEqual({ name, tables: before });
      }
    });
  });
});
