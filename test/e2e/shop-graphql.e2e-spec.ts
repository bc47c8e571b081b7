import { randomUUID } from 'node:crypto';
import { Role } from '@/core/auth/permissions';
import { createVariant } from '../factories/shop.factory';
import { createUserWithRole, registerUser, type RegisteredUser } from '../factories/user.factory';
import { createTestApp, type TestApp } from '../helpers/test-app';

interface Gql<T> {
  data?: T;
  errors?: { message: string; extensions: { domainCode?: string; statusCode?: number } }[];
}
interface RestCart {
  id: string;
  items: { options: Record<string, string> }[];
}

const MONEY = 'amount currency';
const TOTALS = `subtotal { ${MONEY} } discount { ${MONEY} } shipping { ${MONEY} } tax { ${MONEY} } total { ${MONEY} }`;
const CART = `id status couponCode totals { ${TOTALS} }
  items { variantId sku title options { name value } unitPrice { ${MONEY} } quantity lineTotal { ${MONEY} } available }`;
const ORDER = `number status email couponCode reservedUntil createdAt updatedAt
  totals { ${TOTALS} } captured { ${MONEY} } refunded { ${MONEY} }
  shippingAddress { name line1 line2 city postalCode country }
  lines { variantId sku title quantity unitPrice { ${MONEY} } discount { ${MONEY} } total { ${MONEY} } }
  history { from to note at }`;
const address = {
  name: 'Grace',
  line1: '1 Loop',
  city: 'Arlington',
  postalCode: '22201',
  country: 'US',
};

/** Cart, checkout, orders and payment over GraphQL: the same services, so the same answers. */
describe('Shop over GraphQL, compared with REST (e2e)', () => {
  let t: TestApp;
  let customer: RegisteredUser;
  let variantId: string;

  beforeAll(async () => {
    t = await createTestApp({ workers: true, env: { SHOP_FAKE_PROVIDER_DELAY_MS: '20' } });
    await t.app.listen(0, '127.0.0.1'); // the fake payment provider calls back here
    customer = await registerUser(t);
    variantId = await createVariant(t, {
      priceMinor: 1500,
      weightGrams: 200,
      onHand: 3,
      options: { size: 'M', colour: 'red' },
    });
  });

  afterAll(async () => {
    await t.close();
  });

  const gql = async <T>(query: string, variables: object = {}, as?: { token: string }) => {
    const req = t.http().post('/graphql');
    if (as) req.set('Authorization', `Bearer ${as.token}`);
    return (await req.send({ query, variables })).body as Gql<T>;
  };

  it('should read the same cart and order through both APIs', async () => {
    const opened = await gql<{ openCart: { id: string } }>(
      `mutation { openCart { id } }`,
      {},
      customer,
    );
    const cartId = opened.data!.openCart.id;
    const set = await gql<{ setCartItem: object }>(
      `mutation($c: ID!, $v: ID!) { setCartItem(cartId: $c, variantId: $v, quantity: 2) { ${CART} } }`,
      { c: cartId, v: variantId },
      customer,
    );
    expect(set.errors).toBeUndefined();
    const rest = (
      await t
        .http()
        .get(`/api/v1/shop/carts/${cartId}`)
        .set('Authorization', `Token ${customer.token}`)
        .expect(200)
    ).body as { cart: RestCart };
    const asPairs = {
      ...rest.cart,
      items: rest.cart.items.map((i) => ({
        ...i,
        options: Object.entries(i.options).map(([name, value]) => ({ name, value })),
      })),
    };
    expect(set.data!.setCartItem).toEqual(asPairs);

    const placed = await gql<{ checkout: { number: string } }>(
      `mutation($c: ID!, $input: CheckoutInput!) { checkout(cartId: $c, input: $input, idempotencyKey: "k-1") { ${ORDER} } }`,
      { c: cartId, input: { shippingAddress: address } },
      customer,
    );
    expect(placed.errors).toBeUndefined();
    const number = placed.data!.checkout.number;
    const restOrder = (
      await t
        .http()
        .get(`/api/v1/shop/orders/${number}`)
        .set('Authorization', `Token ${customer.token}`)
        .expect(200)
    ).body as { order: object };
    const asShape = { ...restOrder.order, shippingAddress: { line2: null, ...address } };
    expect(placed.data!.checkout).toEqual(asShape);
    // The retry of the same checkout answers with the same order.
    const retried = await gql<{ checkout: { number: string } }>(
      `mutation($c: ID!, $input: CheckoutInput!) { checkout(cartId: $c, input: $input, idempotencyKey: "k-1") { number } }`,
      { c: cartId, input: { shippingAddress: address } },
      customer,
    );
    expect(retried.data!.checkout.number).toBe(number);
    const mine = await gql<{ myOrders: { ordersCount: number; orders: { number: string }[] } }>(
      `{ myOrders(limit: 5) { ordersCount orders { number } } }`,
      {},
      customer,
    );
    expect(mine.data!.myOrders).toEqual({ ordersCount: 1, orders: [{ number }] });

    const paid = await gql<{ payOrder: { status: string } }>(
      `mutation($n: String!) { payOrder(number: $n, paymentMethod: "pm_card_visa") { status amount { ${MONEY} } } }`,
      { n: number },
      customer,
    );
    expect(paid.data!.payOrder.status).toBe('requires_payment');
    let status = '';
    for (let i = 0; i < 60 && status !== 'paid'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (
        await gql<{ order: { status: string } }>(
          `query($n: String!) { order(number: $n) { status } }`,
          { n: number },
          customer,
        )
      ).data!.order.status;
    }
    expect(status).toBe('paid');
  });

  it('should apply the same rules and errors as REST', async () => {
    const stranger = await registerUser(t);
    const cart = (await gql<{ openCart: { id: string } }>(`mutation { openCart { id } }`)).data!
      .openCart;
    const tooMany = await gql(
      `mutation($c: ID!, $v: ID!) { setCartItem(cartId: $c, variantId: $v, quantity: 50) { id } }`,
      { c: cart.id, v: variantId },
    );
    expect(tooMany.errors?.[0].extensions).toMatchObject({
      domainCode: 'SHOP.OUT_OF_STOCK',
      statusCode: 409,
    });
    const invalid = await gql(
      `mutation($c: ID!, $v: ID!) { setCartItem(cartId: $c, variantId: $v, quantity: 0) { id } }`,
      { c: cart.id, v: variantId },
    );
    expect(invalid.errors?.[0].extensions.statusCode).toBe(422);
    const anonymous = await gql(`{ myOrders { ordersCount } }`);
    expect(anonymous.errors?.[0].extensions.statusCode).toBe(401);
    // The customer's order and cart from the first test: invisible to anyone else.
    const [theirs] = await t.dataSource.query<{ number: string; cart_id: string }[]>(
      'SELECT number, cart_id FROM shop_orders WHERE customer_id IS NOT NULL LIMIT 1',
    );
    const foreign = await gql(
      `query($n: String!) { order(number: $n) { number } }`,
      { n: theirs.number },
      stranger,
    );
    expect(foreign.errors?.[0].extensions).toMatchObject({
      domainCode: 'SHOP.ORDER_NOT_FOUND',
      statusCode: 404,
    });
    const foreignCart = await gql(
      `query($id: ID!) { cart(id: $id) { id } }`,
      { id: theirs.cart_id },
      stranger,
    );
    expect(foreignCart.errors?.[0].extensions).toMatchObject({ domainCode: 'SHOP.CART_NOT_FOUND' });
  });

  /**
   * The whole purchase, once through each API with the same steps and inputs: browse, cart,
   * coupon, checkout, payment by signed webhook, receipt, refund (retried). Every step's answer
   * must be the same once the ids, numbers and timestamps that must differ are set aside.
   */
  it('should run the whole purchase the same through REST and through GraphQL', async () => {
    const editor = await createUserWithRole(t, Role.Editor);
    const staff = await createUserWithRole(t, Role.Admin);
    const rest = (u?: { token: string }) => (u ? { Authorization: `Token ${u.token}` } : {});
    const { product } = (
      await t
        .http()
        .post('/api/v1/shop/products')
        .set(rest(editor))
        .send({
          product: {
            title: 'Parity lantern',
            status: 'active',
            variants: [{ sku: 'PAR-1', title: 'Brass', price: { amount: 4200, currency: 'EUR' } }],
          },
        })
        .expect(201)
    ).body as { product: { slug: string } };
    await t.dataSource.query(`UPDATE shop_variants SET on_hand = 10 WHERE sku = 'PAR-1'`);
    await t
      .http()
      .post('/api/v1/shop/admin/coupons')
      .set(rest(staff))
      .send({ code: 'PARITY15', percentOff: 15 })
      .expect(201);

    type Step = Record<string, unknown>;
    /** Ids, numbers, emails and times differ by construction; everything else must not. */
    const comparable = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(comparable);
      if (value && typeof value === 'object') {
        return Object.fromEntries(
          Object.entries(value)
            .filter(([k]) => !['id', 'number', 'email', 'at', 'createdAt', 'updatedAt'].includes(k))
            .filter(([k]) => !['reservedUntil', 'clientSecret', 'note'].includes(k))
            .map(([k, v]) => [k, comparable(v)]),
        );
      }
      return value;
    };
    const receipts = async (number: string) => {
      for (let i = 0; i < 50; i++) {
        const [{ n }] = await t.dataSource.query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM mail_deliveries d JOIN shop_orders o
             ON d.key = 'order-receipt:' || o.id WHERE o.number = $1 AND d.status = 'sent'`,
          [number],
        );
        if (n > 0) return n;
        await new Promise((r) => setTimeout(r, 100));
      }
      return 0;
    };
    async function poll<T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
      let v = await read();
      for (let i = 0; i < 60 && !done(v); i++) {
        await new Promise((r) => setTimeout(r, 100));
        v = await read();
      }
      return v;
    }

    // Browse: the same search answers the same products through both APIs.
    const SUMMARY = `id slug title status images priceRange { min { ${MONEY} } max { ${MONEY} } }`;
    const restFound = (
      (await t.http().get('/api/v1/shop/products?q=lantern&limit=5').expect(200)).body as {
        products: Step[];
      }
    ).products.map((p) => ({
      id: p.id,
      slug: p.slug,
      title: p.title,
      status: p.status,
      images: p.images,
      priceRange: p.priceRange,
    }));
    const gqlFound = await gql<{ products: { products: Step[] } }>(
      `{ products(q: "lantern", limit: 5) { products { ${SUMMARY} } } }`,
    );
    expect(restFound).toHaveLength(1);
    expect(gqlFound.data!.products.products).toEqual(restFound);

    async function viaRest(buyer: RegisteredUser): Promise<Step[]> {
      const as = rest(buyer);
      const page = (await t.http().get(`/api/v1/shop/products/${product.slug}`).expect(200))
        .body as { product: { variants: { id: string }[] } };
      const variantId = page.product.variants[0].id;
      const { cart } = (await t.http().post('/api/v1/shop/carts').set(as).expect(201)).body as {
        cart: { id: string };
      };
      await t
        .http()
        .put(`/api/v1/shop/carts/${cart.id}/items/${variantId}`)
        .set(as)
        .send({ quantity: 2 })
        .expect(200);
      const withCoupon = (
        await t
          .http()
          .put(`/api/v1/shop/carts/${cart.id}/coupon`)
          .set(as)
          .send({ code: 'parity15' })
          .expect(200)
      ).body as { cart: Step };
      const placed = (
        await t
          .http()
          .post(`/api/v1/shop/carts/${cart.id}/checkout`)
          .set(as)
          .set('Idempotency-Key', randomUUID())
          .send({ shippingAddress: address })
          .expect(201)
      ).body as { order: { number: string } & Step };
      const number = placed.order.number;
      const payment = (
        await t
          .http()
          .post(`/api/v1/shop/orders/${number}/payments`)
          .set(as)
          .set('Idempotency-Key', randomUUID())
          .send({ paymentMethod: 'pm_card_visa' })
          .expect(201)
      ).body as { payment: Step };
      const paid = await poll(
        async () =>
          (
            (await t.http().get(`/api/v1/shop/orders/${number}`).set(as).expect(200)).body as {
              order: Step;
            }
          ).order,
        (o) => o.status === 'paid',
      );
      const receiptCount = await receipts(number);
      const refundKey = randomUUID();
      const refund = () =>
        t
          .http()
          .post(`/api/v1/shop/orders/${number}/refunds`)
          .set(rest(staff))
          .set('Idempotency-Key', refundKey)
          .send({ amount: { amount: 1000, currency: 'EUR' }, reason: 'scratched' })
          .expect(201);
      const refunded = ((await refund()).body as { order: Step }).order;
      const retried = ((await refund()).body as { order: Step }).order;
      return [
        withCoupon.cart,
        placed.order,
        payment.payment,
        paid,
        { receiptCount },
        refunded,
        retried,
      ];
    }

    async function viaGraphql(buyer: RegisteredUser): Promise<Step[]> {
      const page = await gql<{ product: { variants: { id: string }[] } }>(
        `query($s: String!) { product(slug: $s) { variants { id } } }`,
        { s: product.slug },
      );
      const variantId = page.data!.product.variants[0].id;
      const cartId = (
        await gql<{ openCart: { id: string } }>(`mutation { openCart { id } }`, {}, buyer)
      ).data!.openCart.id;
      await gql(
        `mutation($c: ID!, $v: ID!) { setCartItem(cartId: $c, variantId: $v, quantity: 2) { id } }`,
        { c: cartId, v: variantId },
        buyer,
      );
      const withCoupon = await gql<{ applyCoupon: Step }>(
        `mutation($c: ID!) { applyCoupon(cartId: $c, code: "parity15") { ${CART} } }`,
        { c: cartId },
        buyer,
      );
      const placed = await gql<{ checkout: { number: string } & Step }>(
        `mutation($c: ID!, $input: CheckoutInput!) { checkout(cartId: $c, input: $input, idempotencyKey: "${randomUUID()}") { ${ORDER} } }`,
        { c: cartId, input: { shippingAddress: address } },
        buyer,
      );
      expect(placed.errors).toBeUndefined();
      const number = placed.data!.checkout.number;
      const payment = await gql<{ payOrder: Step }>(
        `mutation($n: String!) { payOrder(number: $n, paymentMethod: "pm_card_visa") { id status amount { ${MONEY} } clientSecret } }`,
        { n: number },
        buyer,
      );
      const paid = await poll(
        async () =>
          (
            await gql<{ order: Step }>(
              `query($n: String!) { order(number: $n) { ${ORDER} } }`,
              { n: number },
              buyer,
            )
          ).data!.order,
        (o) => o.status === 'paid',
      );
      const receiptCount = await receipts(number);
      const refundKey = randomUUID();
      const refund = async () => {
        const r = await gql<{ refundOrder: Step }>(
          `mutation($n: String!, $k: String!) { refundOrder(number: $n, amount: { amount: 1000, currency: "EUR" }, reason: "scratched", idempotencyKey: $k) { ${ORDER} } }`,
          { n: number, k: refundKey },
          staff,
        );
        expect(r.errors).toBeUndefined();
        return r.data!.refundOrder;
      };
      const refunded = await refund();
      const retried = await refund();
      const reused = await gql(
        `mutation($n: String!, $k: String!) { refundOrder(number: $n, amount: { amount: 2000, currency: "EUR" }, idempotencyKey: $k) { number } }`,
        { n: number, k: refundKey },
        staff,
      );
      expect(reused.errors?.[0].extensions).toMatchObject({ domainCode: 'SHOP.REFUND_KEY_REUSED' });
      return [
        withCoupon.data!.applyCoupon,
        placed.data!.checkout,
        payment.data!.payOrder,
        paid,
        { receiptCount },
        refunded,
        retried,
      ];
    }

    // GraphQL has no map type and no optional field left out: bring REST's shapes alongside.
    const asGraphqlShapes = (steps: Step[]) =>
      steps.map(
        (step) =>
          JSON.parse(
            JSON.stringify(step, (key, value: unknown) =>
              key === 'options' && value && typeof value === 'object' && !Array.isArray(value)
                ? Object.entries(value).map(([name, v]) => ({ name, value: v }))
                : key === 'shippingAddress'
                  ? { line2: null, ...(value as object) }
                  : value,
            ),
          ) as Step,
      );
    const restSteps = asGraphqlShapes(await viaRest(await registerUser(t)));
    const graphqlSteps = await viaGraphql(await registerUser(t));
    // Stock moved between the two runs: a cart line's `available` is the one expected difference.
    const noAvailability = (steps: Step[]) =>
      JSON.parse(
        JSON.stringify(steps, (k, v: unknown) => (k === 'available' ? undefined : v)),
      ) as Step[];
    expect(comparable(noAvailability(graphqlSteps))).toEqual(comparable(noAvailability(restSteps)));
    expect(restSteps[4]).toEqual({ receiptCount: 1 });
    expect(restSteps[6]).toMatchObject({
      status: 'partially_refunded',
      refunded: { amount: 1000, currency: 'EUR' },
    });
  });
});
