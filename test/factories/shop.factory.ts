import { randomUUID } from 'node:crypto';
import type { TestApp } from '../helpers/test-app';

export interface VariantSeed {
  priceMinor?: number;
  onHand?: number;
  weightGrams?: number;
  options?: Record<string, string>;
}

/**
 * An active product with one variant, written straight to the tables (the catalog API has its
 * own tests): a unique SKU, the product's price range set as every catalog write keeps it.
 */
export async function createVariant(t: TestApp, seed: VariantSeed = {}): Promise<string> {
  const sku = `sku-${randomUUID().slice(0, 8)}`;
  const price = seed.priceMinor ?? 1000;
  const [row] = await t.dataSource.query<{ id: string }[]>(
    `WITH p AS (
       INSERT INTO shop_products (slug, title, status, price_min, price_max)
       VALUES ($1, $1, 'active', $2, $2) RETURNING id
     )
     INSERT INTO shop_variants (product_id, sku, title, price_minor, weight_grams, on_hand, options)
     SELECT id, $1, 'Default', $2, $3, $4, $5 FROM p RETURNING id`,
    [sku, price, seed.weightGrams ?? 100, seed.onHand ?? 0, JSON.stringify(seed.options ?? {})],
  );
  return row.id;
}

export const GUEST_ADDRESS = {
  name: 'A',
  line1: '1 Road',
  city: 'Town',
  postalCode: '12345',
  country: 'DE',
};

export interface PlacedGuestOrder {
  cartId: string;
  number: string;
  total: number;
}

/**
 * A guest checks out one line of a new variant through the API: open a cart, add, check out.
 * The cart id stays the guest's key to the order (`/shop/carts/:id/order`).
 */
export async function placeGuestOrder(
  t: TestApp,
  seed: VariantSeed & { quantity?: number; email?: string } = {},
): Promise<PlacedGuestOrder> {
  const variantId = await createVariant(t, { onHand: seed.quantity ?? 1, ...seed });
  const { cart } = (await t.http().post('/api/v1/shop/carts').expect(201)).body as {
    cart: { id: string };
  };
  await t
    .http()
    .put(`/api/v1/shop/carts/${cart.id}/items/${variantId}`)
    .send({ quantity: seed.quantity ?? 1 })
    .expect(200);
  const { order } = (
    await t
      .http()
      .post(`/api/v1/shop/carts/${cart.id}/checkout`)
      .send({ email: seed.email ?? 'guest@example.com', shippingAddress: GUEST_ADDRESS })
      .expect(201)
  ).body as { order: { number: string; totals: { total: { amount: number } } } };
  return { cartId: cart.id, number: order.number, total: order.totals.total.amount };
}

/** The guest pays their order with a payment method, under a fresh Idempotency-Key. */
export const payAsGuest = (t: TestApp, cartId: string, paymentMethod: string) =>
  t
    .http()
    .post(`/api/v1/shop/carts/${cartId}/order/payments`)
    .set('Idempotency-Key', randomUUID())
    .send({ paymentMethod });
