// The bare baseline for bench/shop.mjs: the least code that serves the shop's two measured
// routes from the same database with the same JSON — Express 5, one pg pool, hand-written SQL
// (bench/lib/bare-shop-queries.mjs). No Nest, no ORM, no Redis, no logging, no metrics, no
// validation library, no idempotency keys, no coupons. Whatever Stoa costs on top of this is
// the price of the platform; the ratio makes that visible.
//
// Spawned by the benchmark as its own process (like Stoa). Environment: PORT, HOST,
// DATABASE_URL, DATABASE_POOL_SIZE, SHOP_CURRENCY, SHOP_TAX_RATE_BP, SHOP_SHIPPING_RATES,
// SHOP_RESERVATION_SECONDS (the values Stoa gets in the same run).

import { randomBytes, randomUUID } from 'node:crypto';
import express from 'express';
import pg from 'pg';
import {
  CHECKOUT_LOCK_SQL,
  CHECKOUT_PLACE_SQL,
  PRODUCT_LIST_SQL,
  placeParams,
  priceLines,
  toOrderBody,
  toProductList,
} from './lib/bare-shop-queries.mjs';

const { PORT = '0', HOST = '127.0.0.1', DATABASE_URL } = process.env;
if (!DATABASE_URL) {
  process.stderr.write('shop-baseline-server: DATABASE_URL is required\n');
  process.exit(64);
}
const currency = process.env.SHOP_CURRENCY ?? 'EUR';
const pricing = {
  taxRateBp: Number(process.env.SHOP_TAX_RATE_BP ?? 2000),
  rates: (process.env.SHOP_SHIPPING_RATES ?? '1000:490,5000:990,30000:1990')
    .split(',')
    .map((pair) => pair.split(':').map(Number)),
};
const holdS = Number(process.env.SHOP_RESERVATION_SECONDS ?? 900);

// Same pool size as Stoa's (DATABASE_POOL_SIZE=10) and, like Stoa's sessions, no JIT.
const pool = new pg.Pool({
  connectionString: DATABASE_URL,
  max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
  options: '-c jit=off',
});

const app = express();
app.use(express.json());

const fail = (res, status, code) => res.status(status).json({ code });

app.get('/api/v1/shop/products', async (req, res, next) => {
  const limit = Math.min(100, Math.max(1, Number.parseInt(req.query.limit, 10) || 20));
  try {
    const { rows } = await pool.query(PRODUCT_LIST_SQL, [limit + 1]);
    res.json(toProductList(rows, limit, currency));
  } catch (error) {
    next(error);
  }
});

/** Crockford base32 without look-alikes, 12 symbols from the CSPRNG (as Stoa's order numbers). */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const orderNumber = () => `SO-${[...randomBytes(12)].map((b) => ALPHABET[b & 31]).join('')}`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const text = (v) => typeof v === 'string' && v.trim() !== '';

// Guest checkout: BEGIN, lock the cart and read its lines, one writing statement, COMMIT.
app.post('/api/v1/shop/carts/:cartId/checkout', async (req, res, next) => {
  const { cartId } = req.params;
  const { email, shippingAddress: a } = req.body ?? {};
  if (!UUID.test(cartId)) return fail(res, 400, 'bad cart id');
  if (!text(email) || !a || ![a.name, a.line1, a.city, a.postalCode, a.country].every(text)) {
    return fail(res, 422, 'COMMON.VALIDATION_FAILED');
  }
  const address = {
    name: a.name,
    line1: a.line1,
    ...(a.line2 === undefined ? {} : { line2: a.line2 }),
    city: a.city,
    postalCode: a.postalCode,
    country: a.country,
  };
  let client;
  try {
    client = await pool.connect();
    await client.query('BEGIN');
    const { rows } = await client.query(CHECKOUT_LOCK_SQL, [cartId]);
    const status = !rows.length
      ? [404, 'SHOP.CART_NOT_FOUND']
      : rows[0].customer_id !== null
        ? [404, 'SHOP.CART_NOT_FOUND'] // a customer's cart: not for a guest
        : rows[0].status !== 'open'
          ? [409, 'SHOP.CART_NOT_OPEN']
          : rows[0].coupon_code !== null
            ? [501, 'coupons are not served by the bare server']
            : rows[0].variant_id === null
              ? [422, 'SHOP.EMPTY_CART']
              : rows.some((r) => !r.purchasable)
                ? [404, 'SHOP.VARIANT_NOT_FOUND']
                : undefined;
    const totals = status ? undefined : priceLines(rows, pricing);
    if (status || !totals) {
      await client.query('ROLLBACK');
      return status ? fail(res, ...status) : fail(res, 422, 'SHOP.NOT_SHIPPABLE');
    }
    const number = orderNumber();
    const placed = await client.query(
      CHECKOUT_PLACE_SQL,
      placeParams({
        orderId: randomUUID(),
        number,
        cartId,
        email,
        currency,
        totals,
        address,
        holdS,
        lines: rows,
      }),
    );
    const stored = placed.rows[0];
    if (stored.short) {
      await client.query('ROLLBACK');
      return fail(res, 409, 'SHOP.OUT_OF_STOCK');
    }
    await client.query('COMMIT');
    res.status(201).json(toOrderBody({ number, email, currency, totals, lines: rows, stored }));
  } catch (error) {
    await client?.query('ROLLBACK').catch(() => undefined);
    next(error);
  } finally {
    client?.release();
  }
});

// Readiness for the harness.
app.get('/ready', (_req, res) => res.send('ok'));

const server = app.listen(Number(PORT), HOST, (error) => {
  if (error) throw error;
  process.stdout.write(`shop baseline listening on ${HOST}:${server.address().port}\n`);
});

// The harness stops us with SIGTERM: close the listener and the pool, then exit on our own.
process.once('SIGTERM', () => {
  server.close(() => pool.end().finally(() => process.exit(0)));
  server.closeAllConnections();
});
