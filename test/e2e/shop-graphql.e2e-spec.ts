import { createVariant } from '../factories/shop.factory';
import { registerUser, type RegisteredUser } from '../factories/user.factory';
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

  const gql = async <T>(query: string, variables: object = {}, as?: RegisteredUser) => {
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
});
