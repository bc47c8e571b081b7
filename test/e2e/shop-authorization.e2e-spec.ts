import { randomBytes, randomUUID } from 'node:crypto';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { RESOLVER_NAME_METADATA, RESOLVER_TYPE_METADATA } from '@nestjs/graphql';
import { Role } from '@/core/auth/permissions';
import { signWebhook } from '@/modules/shop/payments/webhook-signature';
import { createVariant } from '../factories/shop.factory';
import { createUserWithRole, registerUser } from '../factories/user.factory';
import { createTestApp, type TestApp } from '../helpers/test-app';

/** Who calls: nobody, the customer who owns the cart/order, another customer, staff. */
const WHO = ['anonymous', 'owner', 'stranger', 'editor', 'staff'] as const;
type Who = (typeof WHO)[number];
/** Expected status per caller, in the order of {@link WHO}; `null`: not asserted (see the row). */
type Expected = readonly [
  anonymous: number,
  owner: number,
  stranger: number,
  editor: number,
  staff: number | null,
];

const PUBLIC: Expected = [200, 200, 200, 200, 200];
const OWNER_ONLY: Expected = [404, 200, 404, 404, 404];
const CATALOG_WRITE: Expected = [401, 403, 403, 200, 200];
const STAFF_ONLY: Expected = [401, 403, 403, 403, 200];

const BASE = '/api/v1/shop';
const SECRET = 'authorization-test-webhook-secret';
const address = { name: 'Ada', line1: '1 Road', city: 'Town', postalCode: '12345', country: 'DE' };

interface RestRow<C> {
  /** `METHOD /api/v1/shop/...` exactly as the router registered it. */
  route: string;
  scenario: string;
  expect: Expected;
  /** A fresh fixture for each caller (a success must not spoil the next caller's try)… */
  prepare: () => Promise<C>;
  /** …unless the request changes nothing even when it succeeds: one fixture for all. */
  shared?: boolean;
  params?: (c: C) => Record<string, string>;
  query?: Record<string, string>;
  body?: (c: C) => object | string;
  headers?: (c: C) => Record<string, string>;
  /** What a refused request must leave exactly as it was. */
  state?: (c: C) => Promise<unknown>;
}

interface GqlRow<C> {
  /** The Query/Mutation field. */
  field: string;
  scenario: string;
  /** 200: answered without errors; else `extensions.statusCode` of the first error. */
  expect: Expected;
  prepare: () => Promise<C>;
  shared?: boolean;
  query: string;
  variables?: (c: C) => object;
  state?: (c: C) => Promise<unknown>;
}

interface GqlBody {
  data?: Record<string, unknown> | null;
  errors?: { extensions: { statusCode?: number; domainCode?: string } }[];
}

/** Lower-case, digit-free: a slug and SKU part of its own. */
const uid = () =>
  randomBytes(5)
    .toString('hex')
    .replace(/\d/g, (d) => 'ghijklmnop'[Number(d)]);

/**
 * Who may call which shop route: every REST route under /api/v1/shop (taken from the router, so
 * a route without a row fails) and every shop GraphQL field, for an anonymous caller, the owning
 * customer, another customer, a catalog editor and staff with `orders:manage`. A refused request
 * must leave what it aimed at unchanged.
 */
describe('Shop authorization matrix (e2e)', () => {
  let t: TestApp;
  const tokens: Partial<Record<Who, string>> = {};
  const emails: Partial<Record<Who, string>> = {};
  let variantId: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { SHOP_WEBHOOK_SECRET: SECRET } });
    const users = {
      owner: await registerUser(t),
      stranger: await registerUser(t),
      editor: await createUserWithRole(t, Role.Editor),
      staff: await createUserWithRole(t, Role.Admin),
    };
    for (const [who, user] of Object.entries(users)) {
      tokens[who as Who] = user.token;
      emails[who as Who] = user.email;
    }
    variantId = await createVariant(t, { onHand: 100_000, priceMinor: 1500 });
    await t.dataSource.query(
      `INSERT INTO shop_coupons (code, kind, amount) VALUES ('AUTHZ10', 'percentage', 10)`,
    );
  });

  afterAll(async () => {
    await t.close();
  });

  const auth = (who: Who): Record<string, string> =>
    tokens[who] ? { Authorization: `Token ${tokens[who]}` } : {};

  // ------------------------------------------------------------------ fixtures

  async function cart(who: 'anonymous' | 'owner'): Promise<{ cartId: string }> {
    const res = await t.http().post(`${BASE}/carts`).set(auth(who)).expect(201);
    const cartId = (res.body as { cart: { id: string } }).cart.id;
    await t
      .http()
      .put(`${BASE}/carts/${cartId}/items/${variantId}`)
      .set(auth(who))
      .send({ quantity: 1 })
      .expect(200);
    return { cartId };
  }
  const guestCart = () => cart('anonymous');
  const ownerCart = () => cart('owner');

  async function order(who: 'anonymous' | 'owner'): Promise<{ cartId: string; number: string }> {
    const { cartId } = await cart(who);
    const res = await t
      .http()
      .post(`${BASE}/carts/${cartId}/checkout`)
      .set(auth(who))
      .send({
        email: who === 'anonymous' ? 'guest@example.com' : undefined,
        shippingAddress: address,
      })
      .expect(201);
    return { cartId, number: (res.body as { order: { number: string } }).order.number };
  }
  const guestOrder = () => order('anonymous');
  const ownerOrder = () => order('owner');

  /** The owner's order as a captured payment leaves it (the webhook path has its own tests). */
  async function paidOrder(status: 'paid' | 'fulfilled' = 'paid') {
    const placed = await ownerOrder();
    await t.dataSource.query(
      `WITH o AS (
         UPDATE shop_orders SET status = $2, captured_minor = total_minor, reserved_until = NULL
         WHERE number = $1 RETURNING id, total_minor, currency
       )
       INSERT INTO shop_payments (order_id, provider, provider_payment_id, amount_minor, currency, status)
       SELECT id, 'fake', 'fpi_' || md5(id::text), total_minor, currency, 'succeeded' FROM o`,
      [placed.number, status],
    );
    return placed;
  }

  async function product(variants = 2, status: 'active' | 'draft' = 'active') {
    const u = uid();
    const res = await t
      .http()
      .post(`${BASE}/products`)
      .set(auth('editor'))
      .send({
        product: {
          title: `Matrix ${u}`,
          status,
          variants: Array.from({ length: variants }, (_, i) => ({
            sku: `${u}-${i}`,
            title: `V${i}`,
            options: [{ name: 'size', value: `S${i}` }],
            price: { amount: 1000, currency: 'EUR' },
          })),
        },
      })
      .expect(201);
    const { slug } = (res.body as { product: { slug: string } }).product;
    return { slug, sku: `${u}-0` };
  }

  async function category() {
    const slug = `cat-${uid()}`;
    await t
      .http()
      .post(`${BASE}/categories`)
      .set(auth('editor'))
      .send({ category: { name: slug, slug } })
      .expect(201);
    return { slug };
  }

  async function collection() {
    const slug = `col-${uid()}`;
    await t
      .http()
      .post(`${BASE}/collections`)
      .set(auth('editor'))
      .send({ collection: { title: slug, slug } })
      .expect(201);
    return { slug };
  }

  async function collectionWithProduct() {
    const { slug } = await collection();
    const { slug: productSlug } = await product(1);
    await t
      .http()
      .put(`${BASE}/collections/${slug}/products/${productSlug}`)
      .set(auth('editor'))
      .expect(204);
    return { slug, productSlug };
  }

  async function endpoint() {
    const res = await t
      .http()
      .post(`${BASE}/webhook-endpoints`)
      .set(auth('staff'))
      .send({ url: 'https://erp.example.com/hooks', events: ['shop.orderPaid'] })
      .expect(201);
    return { id: (res.body as { endpoint: { id: string } }).endpoint.id };
  }

  const nothing = () => Promise.resolve({});

  async function coupon() {
    const code = `M-${uid().toUpperCase()}`;
    await t
      .http()
      .post(`${BASE}/admin/coupons`)
      .set(auth('staff'))
      .send({ code, percentOff: 10 })
      .expect(201);
    return { code };
  }

  /** Every order number, and those of one account (tests keep both under one list page). */
  async function orderNumbers(who: Who) {
    const rows = await t.dataSource.query<{ number: string; theirs: boolean }[]>(
      `SELECT number, coalesce(customer_id = (SELECT id FROM users WHERE email = $1), false) AS theirs
       FROM shop_orders ORDER BY number`,
      [emails[who]],
    );
    return {
      all: rows.map((r) => r.number),
      theirs: rows.filter((r) => r.theirs).map((r) => r.number),
    };
  }

  // ------------------------------------------------------------------ state read back

  const one = async (sql: string, params: unknown[]) =>
    (await t.dataSource.query<Record<string, unknown>[]>(sql, params))[0];

  const cartState = async ({ cartId }: { cartId: string }) => ({
    cart: await one('SELECT status, coupon_code, customer_id FROM shop_carts WHERE id = $1', [
      cartId,
    ]),
    items: await t.dataSource.query(
      'SELECT variant_id, quantity FROM shop_cart_items WHERE cart_id = $1 ORDER BY variant_id',
      [cartId],
    ),
    orders: await one('SELECT count(*)::int AS n FROM shop_orders WHERE cart_id = $1', [cartId]),
    stock: await one('SELECT on_hand, reserved FROM shop_variants WHERE id = $1', [variantId]),
  });

  const orderState = async ({ number }: { number: string }) => ({
    order: await one(
      `SELECT status, captured_minor, refunded_minor, reserved_until,
              (SELECT count(*)::int FROM shop_order_events e WHERE e.order_id = o.id) AS events,
              (SELECT count(*)::int FROM shop_payments p WHERE p.order_id = o.id) AS payments,
              (SELECT count(*)::int FROM shop_refunds r WHERE r.order_id = o.id) AS refunds
       FROM shop_orders o WHERE number = $1`,
      [number],
    ),
    stock: await one('SELECT on_hand, reserved FROM shop_variants WHERE id = $1', [variantId]),
  });

  const productState = async ({ slug }: { slug: string }) => ({
    product: await one(
      'SELECT slug, title, status, version, price_min, price_max FROM shop_products WHERE slug = $1',
      [slug],
    ),
    variants: await t.dataSource.query(
      `SELECT v.sku, v.title, v.price_minor FROM shop_variants v
       JOIN shop_products p ON p.id = v.product_id WHERE p.slug = $1 ORDER BY v.sku`,
      [slug],
    ),
    products: await one('SELECT count(*)::int AS n FROM shop_products', []),
  });

  const categoryState = async ({ slug }: { slug: string }) => ({
    category: await one(
      'SELECT name, slug, parent_id, position FROM shop_categories WHERE slug = $1',
      [slug],
    ),
    categories: await one('SELECT count(*)::int AS n FROM shop_categories', []),
  });

  const collectionState = async ({ slug }: { slug: string }) => ({
    collection: await one('SELECT title, slug, description FROM shop_collections WHERE slug = $1', [
      slug,
    ]),
    collections: await one('SELECT count(*)::int AS n FROM shop_collections', []),
    members: await one(
      `SELECT count(*)::int AS n FROM shop_collection_products cp
       JOIN shop_collections c ON c.id = cp.collection_id WHERE c.slug = $1`,
      [slug],
    ),
  });

  const stockState = async () => ({
    stock: await one('SELECT on_hand, reserved FROM shop_variants WHERE id = $1', [variantId]),
    ledger: await one('SELECT count(*)::int AS n FROM shop_stock_movements WHERE variant_id = $1', [
      variantId,
    ]),
  });

  const couponState = async ({ code }: { code: string }) => ({
    coupon: await one(
      'SELECT kind, amount, active, ends_at, max_redemptions FROM shop_coupons WHERE code = $1',
      [code],
    ),
    coupons: await one('SELECT count(*)::int AS n FROM shop_coupons', []),
  });

  const endpointState = async () =>
    t.dataSource.query<unknown[]>(
      'SELECT id, url, events, active FROM shop_webhook_endpoints ORDER BY id',
    );

  const webhookEventState = async () =>
    one('SELECT count(*)::int AS n FROM shop_webhook_events', []);

  // ------------------------------------------------------------------ the REST matrix

  const webhookBody = () =>
    JSON.stringify({
      id: `evt_${randomUUID()}`,
      type: 'payment.succeeded',
      created: Math.floor(Date.now() / 1000),
      data: { payment: 'fpi_matrix_unknown', amount: 1, currency: 'EUR' },
    });
  const signed = (body: string) => ({
    'Content-Type': 'application/json',
    'Stoa-Signature': signWebhook(SECRET, body),
  });
  const key = () => ({ 'Idempotency-Key': randomUUID() });
  const row = <C>(r: RestRow<C>) => r as unknown as RestRow<unknown>;

  const rows: RestRow<unknown>[] = [
    // Carts: a guest cart's id is a capability for whoever holds it; a customer's cart is theirs.
    row({
      route: 'POST /api/v1/shop/carts',
      scenario: 'open a cart',
      expect: [201, 201, 201, 201, 201],
      prepare: nothing,
    }),
    row({
      route: 'GET /api/v1/shop/carts/:cartId',
      scenario: 'guest cart',
      shared: true,
      expect: PUBLIC,
      prepare: guestCart,
      params: (c) => c,
    }),
    row({
      route: 'GET /api/v1/shop/carts/:cartId',
      scenario: "the owner's cart",
      shared: true,
      expect: OWNER_ONLY,
      prepare: ownerCart,
      params: (c) => c,
    }),
    row({
      route: 'PUT /api/v1/shop/carts/:cartId/items/:variantId',
      scenario: 'guest cart',
      expect: PUBLIC,
      prepare: guestCart,
      params: (c) => ({ ...c, variantId }),
      body: () => ({ quantity: 2 }),
    }),
    row({
      route: 'PUT /api/v1/shop/carts/:cartId/items/:variantId',
      scenario: "the owner's cart",
      expect: OWNER_ONLY,
      prepare: ownerCart,
      params: (c) => ({ ...c, variantId }),
      body: () => ({ quantity: 3 }),
      state: cartState,
    }),
    row({
      route: 'DELETE /api/v1/shop/carts/:cartId/items/:variantId',
      scenario: 'guest cart',
      expect: PUBLIC,
      prepare: guestCart,
      params: (c) => ({ ...c, variantId }),
    }),
    row({
      route: 'DELETE /api/v1/shop/carts/:cartId/items/:variantId',
      scenario: "the owner's cart",
      expect: OWNER_ONLY,
      prepare: ownerCart,
      params: (c) => ({ ...c, variantId }),
      state: cartState,
    }),
    row({
      route: 'PUT /api/v1/shop/carts/:cartId/coupon',
      scenario: 'guest cart',
      expect: PUBLIC,
      prepare: guestCart,
      params: (c) => c,
      body: () => ({ code: 'AUTHZ10' }),
    }),
    row({
      route: 'PUT /api/v1/shop/carts/:cartId/coupon',
      scenario: "the owner's cart",
      expect: OWNER_ONLY,
      prepare: ownerCart,
      params: (c) => c,
      body: () => ({ code: 'AUTHZ10' }),
      state: cartState,
    }),
    row({
      route: 'DELETE /api/v1/shop/carts/:cartId/coupon',
      scenario: 'guest cart',
      expect: PUBLIC,
      prepare: guestCart,
      params: (c) => c,
    }),
    row({
      route: 'DELETE /api/v1/shop/carts/:cartId/coupon',
      scenario: "the owner's cart with a coupon",
      expect: OWNER_ONLY,
      prepare: async () => {
        const c = await ownerCart();
        await t
          .http()
          .put(`${BASE}/carts/${c.cartId}/coupon`)
          .set(auth('owner'))
          .send({ code: 'AUTHZ10' })
          .expect(200);
        return c;
      },
      params: (c) => c,
      state: cartState,
    }),
    row({
      route: 'POST /api/v1/shop/carts/:cartId/merge',
      scenario: 'a guest cart into the caller’s',
      expect: [401, 200, 200, 200, 200],
      prepare: guestCart,
      params: (c) => c,
      state: cartState,
    }),
    row({
      route: 'POST /api/v1/shop/carts/:cartId/merge',
      scenario: "the owner's cart into someone else's",
      expect: [401, 200, 404, 404, 404],
      prepare: ownerCart,
      params: (c) => c,
      state: cartState,
    }),
    row({
      route: 'POST /api/v1/shop/carts/:cartId/checkout',
      scenario: 'guest cart',
      expect: [201, 201, 201, 201, 201],
      prepare: guestCart,
      params: (c) => c,
      body: () => ({ email: 'buyer@example.com', shippingAddress: address }),
    }),
    row({
      route: 'POST /api/v1/shop/carts/:cartId/checkout',
      scenario: "the owner's cart",
      expect: [404, 201, 404, 404, 404],
      prepare: ownerCart,
      params: (c) => c,
      body: () => ({ email: 'buyer@example.com', shippingAddress: address }),
      state: cartState,
    }),
    row({
      route: 'GET /api/v1/shop/carts/:cartId/order',
      scenario: 'guest order',
      shared: true,
      expect: PUBLIC,
      prepare: guestOrder,
      params: (c) => ({ cartId: c.cartId }),
    }),
    row({
      route: 'GET /api/v1/shop/carts/:cartId/order',
      scenario: "the owner's order",
      shared: true,
      expect: OWNER_ONLY,
      prepare: ownerOrder,
      params: (c) => ({ cartId: c.cartId }),
    }),
    row({
      route: 'POST /api/v1/shop/carts/:cartId/order/payments',
      scenario: 'guest order',
      expect: [201, 201, 201, 201, 201],
      prepare: guestOrder,
      params: (c) => ({ cartId: c.cartId }),
      headers: key,
      body: () => ({ paymentMethod: 'pm_card_visa' }),
    }),
    row({
      route: 'POST /api/v1/shop/carts/:cartId/order/payments',
      scenario: "the owner's order",
      expect: [404, 201, 404, 404, 404],
      prepare: ownerOrder,
      params: (c) => ({ cartId: c.cartId }),
      headers: key,
      body: () => ({ paymentMethod: 'pm_card_visa' }),
      state: orderState,
    }),

    // Orders: customers see their own (others' answer 404), staff see all.
    row({
      route: 'GET /api/v1/shop/orders',
      scenario: 'own list',
      expect: [401, 200, 200, 200, 200],
      prepare: nothing,
    }),
    row({
      route: 'GET /api/v1/shop/orders/:number',
      scenario: "the owner's order",
      shared: true,
      expect: [401, 200, 404, 404, 200],
      prepare: ownerOrder,
      params: (c) => ({ number: c.number }),
    }),
    row({
      route: 'POST /api/v1/shop/orders/:number/cancel',
      scenario: "the owner's unpaid order",
      expect: [401, 200, 404, 404, 200],
      prepare: ownerOrder,
      params: (c) => ({ number: c.number }),
      body: () => ({ reason: 'matrix' }),
      state: orderState,
    }),
    row({
      route: 'POST /api/v1/shop/orders/:number/fulfil',
      scenario: "the owner's paid order",
      expect: STAFF_ONLY,
      prepare: () => paidOrder('paid'),
      params: (c) => ({ number: c.number }),
      state: orderState,
    }),
    row({
      route: 'POST /api/v1/shop/orders/:number/deliver',
      scenario: "the owner's fulfilled order",
      expect: STAFF_ONLY,
      prepare: () => paidOrder('fulfilled'),
      params: (c) => ({ number: c.number }),
      state: orderState,
    }),
    row({
      route: 'POST /api/v1/shop/orders/:number/payments',
      scenario: "the owner's unpaid order",
      // Staff read every order but do not pay on a customer's behalf.
      expect: [401, 201, 404, 404, 404],
      prepare: ownerOrder,
      params: (c) => ({ number: c.number }),
      headers: key,
      body: () => ({ paymentMethod: 'pm_card_visa' }),
      state: orderState,
    }),
    row({
      route: 'POST /api/v1/shop/orders/:number/refunds',
      scenario: "the owner's paid order",
      expect: [401, 403, 403, 403, 201],
      prepare: () => paidOrder('paid'),
      params: (c) => ({ number: c.number }),
      headers: key,
      body: () => ({ amount: { amount: 100, currency: 'EUR' }, reason: 'matrix' }),
      state: orderState,
    }),

    // The payment provider's webhook: the signature is the credential, never a token.
    row({
      route: 'POST /api/v1/shop/webhooks/:provider',
      scenario: 'signed by the provider',
      expect: PUBLIC,
      prepare: () => Promise.resolve({ body: webhookBody() }),
      params: () => ({ provider: 'fake' }),
      headers: (c) => signed(c.body),
      body: (c) => c.body,
    }),
    row({
      route: 'POST /api/v1/shop/webhooks/:provider',
      scenario: 'unsigned, whatever the caller',
      expect: [400, 400, 400, 400, 400],
      prepare: () => Promise.resolve({ body: webhookBody() }),
      params: () => ({ provider: 'fake' }),
      headers: () => ({ 'Content-Type': 'application/json' }),
      body: (c) => c.body,
      state: webhookEventState,
    }),

    // Inventory: inventory:manage (admins only; editors write the catalog, not stock).
    row({
      route: 'POST /api/v1/shop/variants/:variantId/stock-adjustments',
      scenario: 'a delivery',
      expect: [401, 403, 403, 403, 201],
      prepare: nothing,
      params: () => ({ variantId }),
      body: () => ({ delta: 5, note: 'matrix delivery' }),
      state: stockState,
    }),
    row({
      route: 'GET /api/v1/shop/variants/:variantId/stock-movements',
      scenario: 'the ledger',
      expect: STAFF_ONLY,
      prepare: nothing,
      params: () => ({ variantId }),
    }),

    // Outbound webhook endpoints: orders:manage.
    row({
      route: 'POST /api/v1/shop/webhook-endpoints',
      scenario: 'subscribe',
      expect: [401, 403, 403, 403, 201],
      prepare: nothing,
      body: () => ({ url: 'https://erp.example.com/matrix', events: ['shop.orderPaid'] }),
      state: endpointState,
    }),
    row({
      route: 'GET /api/v1/shop/webhook-endpoints',
      scenario: 'list',
      expect: STAFF_ONLY,
      prepare: nothing,
    }),
    row({
      route: 'DELETE /api/v1/shop/webhook-endpoints/:id',
      scenario: 'unsubscribe',
      expect: [401, 403, 403, 403, 204],
      prepare: endpoint,
      params: (c) => c,
      state: endpointState,
    }),
    row({
      route: 'GET /api/v1/shop/webhook-endpoints/:id/deliveries',
      scenario: 'delivery log',
      shared: true,
      expect: STAFF_ONLY,
      prepare: endpoint,
      params: (c) => c,
    }),

    // Coupons and the sales report: staff with orders:manage.
    row({
      route: 'POST /api/v1/shop/admin/coupons',
      scenario: 'create',
      expect: [401, 403, 403, 403, 201],
      prepare: () => Promise.resolve({ code: `N-${uid().toUpperCase()}` }),
      body: (c) => ({ code: c.code, percentOff: 15 }),
      state: couponState,
    }),
    row({
      route: 'GET /api/v1/shop/admin/coupons',
      scenario: 'list',
      expect: STAFF_ONLY,
      prepare: nothing,
    }),
    row({
      route: 'GET /api/v1/shop/admin/coupons/:code',
      scenario: 'one',
      expect: STAFF_ONLY,
      prepare: coupon,
      shared: true,
      params: (c) => c,
    }),
    row({
      route: 'PATCH /api/v1/shop/admin/coupons/:code',
      scenario: 'pause',
      expect: STAFF_ONLY,
      prepare: coupon,
      params: (c) => c,
      body: () => ({ active: false }),
      state: couponState,
    }),
    row({
      route: 'GET /api/v1/shop/admin/sales',
      scenario: 'daily report',
      expect: STAFF_ONLY,
      prepare: nothing,
    }),

    // Catalog: public reads of active products; writes need catalog:write.
    row({
      route: 'GET /api/v1/shop/products',
      scenario: 'storefront',
      expect: PUBLIC,
      prepare: nothing,
    }),
    row({
      route: 'GET /api/v1/shop/products',
      scenario: 'drafts (status=draft)',
      expect: [401, 403, 403, 200, 200],
      prepare: nothing,
      query: { status: 'draft' },
    }),
    row({
      route: 'GET /api/v1/shop/products/:slug',
      scenario: 'active product',
      shared: true,
      expect: PUBLIC,
      prepare: () => product(1),
      params: (c) => ({ slug: c.slug }),
    }),
    row({
      route: 'GET /api/v1/shop/products/:slug',
      scenario: 'draft product',
      shared: true,
      expect: [404, 404, 404, 200, 200],
      prepare: () => product(1, 'draft'),
      params: (c) => ({ slug: c.slug }),
    }),
    row({
      route: 'POST /api/v1/shop/products',
      scenario: 'create',
      expect: [401, 403, 403, 201, 201],
      prepare: () => Promise.resolve({ slug: `new-${uid()}` }),
      body: (c) => ({ product: { title: c.slug, slug: c.slug } }),
      state: productState,
    }),
    row({
      route: 'PATCH /api/v1/shop/products/:slug',
      scenario: 'edit',
      expect: CATALOG_WRITE,
      prepare: () => product(1),
      params: (c) => ({ slug: c.slug }),
      body: () => ({ product: { title: 'Renamed by the matrix' } }),
      state: productState,
    }),
    row({
      route: 'POST /api/v1/shop/products/:slug/variants',
      scenario: 'add a variant',
      expect: [401, 403, 403, 201, 201],
      prepare: () => product(1),
      params: (c) => ({ slug: c.slug }),
      body: (c) => ({
        variant: {
          sku: `${c.slug}-new`,
          title: 'New',
          options: [{ name: 'size', value: 'XL' }],
          price: { amount: 1, currency: 'EUR' },
        },
      }),
      state: productState,
    }),
    row({
      route: 'PATCH /api/v1/shop/products/:slug/variants/:sku',
      scenario: 'reprice a variant',
      expect: CATALOG_WRITE,
      prepare: () => product(1),
      params: (c) => c,
      body: () => ({ variant: { price: { amount: 1, currency: 'EUR' } } }),
      state: productState,
    }),
    row({
      route: 'DELETE /api/v1/shop/products/:slug/variants/:sku',
      scenario: 'remove a variant',
      expect: CATALOG_WRITE,
      prepare: () => product(2),
      params: (c) => c,
      state: productState,
    }),
    row({
      route: 'GET /api/v1/shop/admin/products',
      scenario: 'staff list',
      expect: CATALOG_WRITE,
      prepare: nothing,
    }),
    row({
      route: 'GET /api/v1/shop/categories',
      scenario: 'tree',
      expect: PUBLIC,
      prepare: nothing,
    }),
    row({
      route: 'GET /api/v1/shop/categories/:slug',
      scenario: 'one',
      shared: true,
      expect: PUBLIC,
      prepare: category,
      params: (c) => c,
    }),
    row({
      route: 'POST /api/v1/shop/categories',
      scenario: 'create',
      expect: [401, 403, 403, 201, 201],
      prepare: () => Promise.resolve({ slug: `new-${uid()}` }),
      body: (c) => ({ category: { name: c.slug, slug: c.slug } }),
      state: categoryState,
    }),
    row({
      route: 'PATCH /api/v1/shop/categories/:slug',
      scenario: 'rename',
      expect: CATALOG_WRITE,
      prepare: category,
      params: (c) => c,
      body: () => ({ category: { name: 'Renamed by the matrix' } }),
      state: categoryState,
    }),
    row({
      route: 'DELETE /api/v1/shop/categories/:slug',
      scenario: 'delete',
      expect: [401, 403, 403, 204, 204],
      prepare: category,
      params: (c) => c,
      state: categoryState,
    }),
    row({
      route: 'GET /api/v1/shop/collections',
      scenario: 'list',
      expect: PUBLIC,
      prepare: nothing,
    }),
    row({
      route: 'GET /api/v1/shop/collections/:slug',
      scenario: 'one',
      shared: true,
      expect: PUBLIC,
      prepare: collection,
      params: (c) => c,
    }),
    row({
      route: 'POST /api/v1/shop/collections',
      scenario: 'create',
      expect: [401, 403, 403, 201, 201],
      prepare: () => Promise.resolve({ slug: `new-${uid()}` }),
      body: (c) => ({ collection: { title: c.slug, slug: c.slug } }),
      state: collectionState,
    }),
    row({
      route: 'PATCH /api/v1/shop/collections/:slug',
      scenario: 'rename',
      expect: CATALOG_WRITE,
      prepare: collection,
      params: (c) => c,
      body: () => ({ collection: { title: 'Renamed by the matrix' } }),
      state: collectionState,
    }),
    row({
      route: 'DELETE /api/v1/shop/collections/:slug',
      scenario: 'delete',
      expect: [401, 403, 403, 204, 204],
      prepare: collection,
      params: (c) => c,
      state: collectionState,
    }),
    row({
      route: 'PUT /api/v1/shop/collections/:slug/products/:productSlug',
      scenario: 'add a product',
      expect: [401, 403, 403, 204, 204],
      prepare: async () => ({ ...(await collection()), productSlug: (await product(1)).slug }),
      params: (c) => c,
      state: collectionState,
    }),
    row({
      route: 'DELETE /api/v1/shop/collections/:slug/products/:productSlug',
      scenario: 'remove a product',
      expect: [401, 403, 403, 204, 204],
      prepare: collectionWithProduct,
      params: (c) => c,
      state: collectionState,
    }),
  ];

  const describeExpected = (e: Expected) =>
    WHO.map((w, i) => `${w} ${e[i] ?? 'not asserted'}`).join(', ');

  /** The code a refusal carries: 404s say what was not found, without telling whether it exists. */
  function refusalCode(route: string, status: number): string {
    const byStatus: Record<number, string> = {
      400: 'SHOP.WEBHOOK_SIGNATURE_INVALID',
      401: 'AUTH.UNAUTHENTICATED',
      403: 'AUTH.FORBIDDEN',
    };
    if (byStatus[status]) return byStatus[status];
    const resource = /\/shop\/(carts|orders|products)\//.exec(route)?.[1];
    return `SHOP.${{ carts: 'CART', orders: 'ORDER', products: 'PRODUCT' }[resource ?? ''] ?? '?'}_NOT_FOUND`;
  }

  const urlOf = (r: RestRow<unknown>, c: unknown) => {
    const params = r.params?.(c) ?? {};
    const path = r.route
      .split(' ')[1]
      .replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(params[name]));
    return r.query ? `${path}?${new URLSearchParams(r.query).toString()}` : path;
  };

  /** Every route the Express router has under /api/v1/shop, as `METHOD /path`. */
  function registeredShopRoutes(): string[] {
    const express = t.app.getHttpAdapter().getInstance() as {
      router: {
        stack: { route?: { path: string; methods: Record<string, boolean> } }[];
      };
    };
    return express.router.stack
      .flatMap((layer) =>
        layer.route
          ? Object.keys(layer.route.methods)
              .filter((m) => m !== '_all')
              .map((m) => `${m.toUpperCase()} ${layer.route!.path}`)
          : [],
      )
      .filter((r) => r.split(' ')[1].startsWith(`${BASE}/`) || r.endsWith(BASE));
  }

  describe('REST', () => {
    it('should have a matrix row for every registered shop route, and no row for a missing one', () => {
      const registered = new Set(registeredShopRoutes());
      const covered = new Set(rows.map((r) => r.route));
      expect(registered.size).toBeGreaterThanOrEqual(40);
      expect([...registered].filter((r) => !covered.has(r)).sort()).toEqual([]);
      expect([...covered].filter((r) => !registered.has(r)).sort()).toEqual([]);
    });

    for (const r of rows) {
      it(`should answer ${r.route} (${r.scenario}) with ${describeExpected(r.expect)}`, async () => {
        const shared = r.shared ? await r.prepare() : undefined;
        for (const [i, who] of WHO.entries()) {
          const c = shared ?? (await r.prepare());
          const before = r.state ? await r.state(c) : undefined;
          const method = r.route.split(' ')[0].toLowerCase() as
            'get' | 'post' | 'put' | 'patch' | 'delete';
          const req = t
            .http()
            [method](urlOf(r, c))
            .set(auth(who))
            .set(r.headers?.(c) ?? {});
          const body = r.body?.(c);
          const res = await (body === undefined ? req : req.send(body));
          if (r.expect[i] === null) continue;
          expect({ who, status: res.status }).toEqual({ who, status: r.expect[i] });
          if (res.status >= 400) {
            const error = res.body as { code: string; statusCode: number };
            expect({ who, statusCode: error.statusCode, code: error.code }).toEqual({
              who,
              statusCode: res.status,
              code: refusalCode(r.route, res.status),
            });
            if (r.state) expect({ who, state: await r.state(c) }).toEqual({ who, state: before });
          }
        }
      });
    }

    it('should scope order lists: customers get their own, staff get everyone’s', async () => {
      await ownerOrder();
      await guestOrder();
      const list = async (who: Who, query = '') =>
        (await t.http().get(`${BASE}/orders?limit=100${query}`).set(auth(who)).expect(200))
          .body as { orders: { number: string }[]; ordersCount: number };
      for (const who of ['owner', 'stranger', 'editor'] as const) {
        const { all, theirs } = await orderNumbers(who);
        const page = await list(who);
        expect({ who, count: page.ordersCount }).toEqual({ who, count: theirs.length });
        expect(page.orders.map((o) => o.number).sort()).toEqual(theirs);
        expect(all.length).toBeGreaterThan(theirs.length);
        // A status filter narrows, never widens.
        const pending = await list(who, '&status=pending_payment');
        expect(pending.orders.every((o) => theirs.includes(o.number))).toBe(true);
      }
      const { all } = await orderNumbers('staff');
      const everyone = await list('staff');
      expect(everyone.ordersCount).toBe(all.length);
      expect(everyone.orders.map((o) => o.number).sort()).toEqual(all);
    });
  });

  // ------------------------------------------------------------------ GraphQL

  const gqlRow = <C>(r: GqlRow<C>) => r as unknown as GqlRow<unknown>;
  const CATALOG_MUTATION: Expected = [401, 403, 403, 200, 200];
  const input = { shippingAddress: address, email: 'buyer@example.com' };

  const gqlRows: GqlRow<unknown>[] = [
    gqlRow({
      field: 'openCart',
      scenario: 'open a cart',
      expect: PUBLIC,
      prepare: nothing,
      query: 'mutation { openCart { id } }',
    }),
    gqlRow({
      field: 'cart',
      scenario: 'guest cart',
      shared: true,
      expect: PUBLIC,
      prepare: guestCart,
      query: 'query($id: ID!) { cart(id: $id) { id items { quantity } } }',
      variables: (c) => ({ id: c.cartId }),
    }),
    gqlRow({
      field: 'cart',
      scenario: "the owner's cart",
      shared: true,
      expect: OWNER_ONLY,
      prepare: ownerCart,
      query: 'query($id: ID!) { cart(id: $id) { id items { quantity } } }',
      variables: (c) => ({ id: c.cartId }),
    }),
    gqlRow({
      field: 'setCartItem',
      scenario: "the owner's cart",
      expect: OWNER_ONLY,
      prepare: ownerCart,
      query: `mutation($c: ID!, $v: ID!) { setCartItem(cartId: $c, variantId: $v, quantity: 4) { id } }`,
      variables: (c) => ({ c: c.cartId, v: variantId }),
      state: cartState,
    }),
    gqlRow({
      field: 'removeCartItem',
      scenario: "the owner's cart",
      expect: OWNER_ONLY,
      prepare: ownerCart,
      query: `mutation($c: ID!, $v: ID!) { removeCartItem(cartId: $c, variantId: $v) { id } }`,
      variables: (c) => ({ c: c.cartId, v: variantId }),
      state: cartState,
    }),
    gqlRow({
      field: 'applyCoupon',
      scenario: "the owner's cart",
      expect: OWNER_ONLY,
      prepare: ownerCart,
      query: `mutation($c: ID!) { applyCoupon(cartId: $c, code: "AUTHZ10") { id couponCode } }`,
      variables: (c) => ({ c: c.cartId }),
      state: cartState,
    }),
    gqlRow({
      field: 'removeCoupon',
      scenario: "the owner's cart with a coupon",
      expect: OWNER_ONLY,
      prepare: async () => {
        const c = await ownerCart();
        await t
          .http()
          .put(`${BASE}/carts/${c.cartId}/coupon`)
          .set(auth('owner'))
          .send({ code: 'AUTHZ10' })
          .expect(200);
        return c;
      },
      query: 'mutation($c: ID!) { removeCoupon(cartId: $c) { id couponCode } }',
      variables: (c) => ({ c: c.cartId }),
      state: cartState,
    }),
    gqlRow({
      field: 'mergeCart',
      scenario: "the owner's cart into someone else's",
      expect: [401, 200, 404, 404, 404],
      prepare: ownerCart,
      query: 'mutation($g: ID!) { mergeCart(guestCartId: $g) { id } }',
      variables: (c) => ({ g: c.cartId }),
      state: cartState,
    }),
    gqlRow({
      field: 'checkout',
      scenario: 'guest cart',
      expect: PUBLIC,
      prepare: guestCart,
      query: `mutation($c: ID!, $i: CheckoutInput!) { checkout(cartId: $c, input: $i) { number } }`,
      variables: (c) => ({ c: c.cartId, i: input }),
    }),
    gqlRow({
      field: 'checkout',
      scenario: "the owner's cart",
      expect: OWNER_ONLY,
      prepare: ownerCart,
      query: `mutation($c: ID!, $i: CheckoutInput!) { checkout(cartId: $c, input: $i) { number } }`,
      variables: (c) => ({ c: c.cartId, i: input }),
      state: cartState,
    }),
    gqlRow({
      field: 'myOrders',
      scenario: 'own list',
      expect: [401, 200, 200, 200, 200],
      prepare: nothing,
      query: '{ myOrders { ordersCount } }',
    }),
    gqlRow({
      field: 'order',
      scenario: "the owner's order",
      shared: true,
      expect: [401, 200, 404, 404, 200],
      prepare: ownerOrder,
      query: 'query($n: String!) { order(number: $n) { number status } }',
      variables: (c) => ({ n: c.number }),
    }),
    gqlRow({
      field: 'payOrder',
      scenario: "the owner's unpaid order",
      expect: [401, 200, 404, 404, 404], // as REST: staff do not pay for customers
      prepare: ownerOrder,
      query: `mutation($n: String!) { payOrder(number: $n, paymentMethod: "pm_card_visa") { status } }`,
      variables: (c) => ({ n: c.number }),
      state: orderState,
    }),
    gqlRow({
      field: 'cancelOrder',
      scenario: "the owner's unpaid order",
      expect: [401, 200, 404, 404, 200],
      prepare: ownerOrder,
      query: 'mutation($n: String!) { cancelOrder(number: $n, reason: "matrix") { status } }',
      variables: (c) => ({ n: c.number }),
      state: orderState,
    }),
    gqlRow({
      field: 'fulfilOrder',
      scenario: "the owner's paid order",
      expect: STAFF_ONLY,
      prepare: () => paidOrder('paid'),
      query: 'mutation($n: String!) { fulfilOrder(number: $n) { status } }',
      variables: (c) => ({ n: c.number }),
      state: orderState,
    }),
    gqlRow({
      field: 'deliverOrder',
      scenario: "the owner's fulfilled order",
      expect: STAFF_ONLY,
      prepare: () => paidOrder('fulfilled'),
      query: 'mutation($n: String!) { deliverOrder(number: $n) { status } }',
      variables: (c) => ({ n: c.number }),
      state: orderState,
    }),
    gqlRow({
      field: 'refundOrder',
      scenario: "the owner's paid order",
      expect: STAFF_ONLY,
      prepare: () => paidOrder('paid'),
      query: `mutation($n: String!, $k: String!) { refundOrder(number: $n,
        amount: { amount: 100, currency: "EUR" }, idempotencyKey: $k) { status } }`,
      variables: (c) => ({ n: c.number, k: randomUUID() }),
      state: orderState,
    }),
    gqlRow({
      field: 'products',
      scenario: 'storefront',
      expect: PUBLIC,
      prepare: nothing,
      query: '{ products { nextCursor } }',
    }),
    gqlRow({
      field: 'product',
      scenario: 'draft product',
      shared: true,
      expect: [404, 404, 404, 200, 200],
      prepare: () => product(1, 'draft'),
      query: 'query($s: String!) { product(slug: $s) { slug } }',
      variables: (c) => ({ s: c.slug }),
    }),
    gqlRow({
      field: 'categories',
      scenario: 'tree',
      expect: PUBLIC,
      prepare: nothing,
      query: '{ categories { slug } }',
    }),
    gqlRow({
      field: 'createProduct',
      scenario: 'create',
      expect: CATALOG_MUTATION,
      prepare: () => Promise.resolve({ slug: `gql-${uid()}` }),
      query: 'mutation($s: String!) { createProduct(input: { title: $s, slug: $s }) { slug } }',
      variables: (c) => ({ s: c.slug }),
      state: productState,
    }),
    gqlRow({
      field: 'updateProduct',
      scenario: 'edit',
      expect: CATALOG_MUTATION,
      prepare: () => product(1),
      query:
        'mutation($s: String!) { updateProduct(slug: $s, input: { title: "GraphQL edit" }) { slug } }',
      variables: (c) => ({ s: c.slug }),
      state: productState,
    }),
    gqlRow({
      field: 'addVariant',
      scenario: 'add a variant',
      expect: CATALOG_MUTATION,
      prepare: () => product(1),
      query: `mutation($s: String!, $k: String!) { addVariant(slug: $s, input: {
        sku: $k, title: "New", options: [{ name: "size", value: "XL" }],
        price: { amount: 1, currency: "EUR" } }) { slug } }`,
      variables: (c) => ({ s: c.slug, k: `${c.slug}-gql` }),
      state: productState,
    }),
    gqlRow({
      field: 'updateVariant',
      scenario: 'reprice a variant',
      expect: CATALOG_MUTATION,
      prepare: () => product(1),
      query: `mutation($s: String!, $k: String!) {
        updateVariant(slug: $s, sku: $k, input: { price: { amount: 1, currency: "EUR" } }) { slug } }`,
      variables: (c) => ({ s: c.slug, k: c.sku }),
      state: productState,
    }),
    gqlRow({
      field: 'removeVariant',
      scenario: 'remove a variant',
      expect: CATALOG_MUTATION,
      prepare: () => product(2),
      query: 'mutation($s: String!, $k: String!) { removeVariant(slug: $s, sku: $k) { slug } }',
      variables: (c) => ({ s: c.slug, k: c.sku }),
      state: productState,
    }),
    gqlRow({
      field: 'createCategory',
      scenario: 'create',
      expect: CATALOG_MUTATION,
      prepare: () => Promise.resolve({ slug: `gql-${uid()}` }),
      query: 'mutation($s: String!) { createCategory(input: { name: $s, slug: $s }) { slug } }',
      variables: (c) => ({ s: c.slug }),
      state: categoryState,
    }),
  ];

  /** The Query and Mutation fields that resolvers of the shop module declare. */
  function shopGraphqlFields(): string[] {
    const discovery = t.app.get(DiscoveryService);
    const scanner = t.app.get(MetadataScanner);
    return discovery
      .getProviders()
      .filter((w) => w.instance && w.host?.metatype?.name === 'ShopModule')
      .flatMap((w) => {
        const proto = Object.getPrototypeOf(w.instance) as Record<string, object>;
        return scanner
          .getAllMethodNames(proto)
          .filter((name) => Reflect.getMetadata(RESOLVER_TYPE_METADATA, proto[name]))
          .map(
            (name) => (Reflect.getMetadata(RESOLVER_NAME_METADATA, proto[name]) as string) || name,
          );
      });
  }

  describe('GraphQL', () => {
    const gql = async (who: Who, query: string, variables: object = {}) => {
      const req = t.http().post('/graphql');
      if (tokens[who]) req.set('Authorization', `Bearer ${tokens[who]}`);
      return (await req.send({ query, variables })).body as GqlBody;
    };

    it('should have a matrix row for every shop query and mutation', () => {
      const fields = new Set(shopGraphqlFields());
      const covered = new Set(gqlRows.map((r) => r.field));
      expect(fields.size).toBeGreaterThanOrEqual(15);
      expect([...fields].filter((f) => !covered.has(f)).sort()).toEqual([]);
      expect([...covered].filter((f) => !fields.has(f)).sort()).toEqual([]);
    });

    for (const r of gqlRows) {
      it(`should answer ${r.field} (${r.scenario}) with ${describeExpected(r.expect)}`, async () => {
        const shared = r.shared ? await r.prepare() : undefined;
        for (const [i, who] of WHO.entries()) {
          const c = shared ?? (await r.prepare());
          const before = r.state ? await r.state(c) : undefined;
          const body = await gql(who, r.query, r.variables?.(c));
          const status = body.errors?.length ? body.errors[0].extensions.statusCode : 200;
          if (r.expect[i] === null) continue;
          expect({ who, status }).toEqual({ who, status: r.expect[i] });
          if (status === 200) {
            expect(body.data?.[r.field]).toBeTruthy();
          } else {
            expect(body.data?.[r.field] ?? null).toBeNull();
            if (r.state) expect({ who, state: await r.state(c) }).toEqual({ who, state: before });
          }
        }
      });
    }

    it('should scope myOrders like the REST list', async () => {
      await ownerOrder();
      const page = async (who: Who) =>
        (await gql(who, '{ myOrders(limit: 100) { ordersCount orders { number } } }')).data
          ?.myOrders as { ordersCount: number; orders: { number: string }[] };
      for (const who of ['owner', 'stranger', 'editor', 'staff'] as const) {
        const { all, theirs } = await orderNumbers(who);
        const numbers = (await page(who)).orders.map((o) => o.number).sort();
        expect({ who, numbers }).toEqual({ who, numbers: who === 'staff' ? all : theirs });
      }
    });
  });
});
