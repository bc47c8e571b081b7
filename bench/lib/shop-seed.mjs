// A fast, repeatable shop data set for bench/shop.mjs, written with generate_series into the
// schema Stoa's migrations created (every CHECK, UNIQUE, FK and trigger is the real one):
// a two-level category tree, products with 4 variants each (100k variants by default), stock,
// and guest carts of one line each for the checkout rounds. "Random" picks are hashes of the
// row number (hashint8), so a given size gives the same catalog on every run; only ids differ.

import { log } from './harness.mjs';

const WORDS = (
  'organic cotton linen merino wool denim canvas leather classic slim relaxed oversized cropped ' +
  'vintage everyday travel trail city summer winter rain light heavy soft washed raw recycled ' +
  'tee shirt hoodie jacket parka sweater cardigan chino jeans shorts skirt dress sneaker boot ' +
  'sandal cap beanie scarf bag backpack wallet belt sock glove'
).split(' ');
const SIZES = ['S', 'M', 'L', 'XL'];
const COLOURS = ['black', 'white', 'navy', 'olive', 'sand', 'red'];

/**
 * Seeds `roots` × `children` categories and `variants / 4` products with 4 variants each
 * (sizes S–XL; every other product also has a colour, the same for its 4 variants, so
 * UNIQUE (product_id, options) holds). 96 % of the products are active, 2 % drafts, 2 %
 * archived; one is created every minute, with microseconds, so "newest" has no ties. Prices:
 * a base per product plus 2 € per size step, the product's price_min/price_max set to match
 * (shop_products_active_priced_check). Stock: 0–40 on hand (one variant in ten sold out);
 * every fifth product's variants are the checkout pool with 1 000 000 on hand, so the rounds
 * never sell out. `history` delivered orders and as many abandoned carts make the order and
 * cart tables look like a shop that has been open a while (see seedHistory). Then VACUUM
 * ANALYZE, as autovacuum would have done on a live database.
 */
export async function seedShop(client, { variants, history, roots = 10, children = 9 }) {
  const started = Date.now();
  const products = Math.ceil(variants / SIZES.length);
  await client.query('BEGIN');
  await client.query(`CREATE FUNCTION pg_temp.pick(seed bigint, n integer) RETURNS integer
    LANGUAGE sql IMMUTABLE AS $$ SELECT ((hashint8(seed)::bigint + 2147483648) % n)::integer $$`);

  await client.query(
    `INSERT INTO shop_categories (name, slug, position)
     SELECT format('Department %s', r), format('dept-%s', r), r FROM generate_series(1, $1::int) r`,
    [roots],
  );
  await client.query(
    `INSERT INTO shop_categories (parent_id, name, slug, position)
     SELECT p.id, format('%s %s', p.name, c), format('%s-%s', p.slug, c), c
     FROM shop_categories p CROSS JOIN generate_series(1, $1::int) c`,
    [children],
  );
  await client.query(
    `CREATE TEMP TABLE bench_categories ON COMMIT DROP AS
     SELECT id, (row_number() OVER (ORDER BY slug) - 1)::int AS n
     FROM shop_categories WHERE parent_id IS NOT NULL`,
  );
  await client.query('CREATE UNIQUE INDEX ON bench_categories (n)');

  // Product i: base price 5.00–205.00 €, sizes add 2 € each (price_max = base + 6 €).
  await client.query(
    `INSERT INTO shop_products (slug, title, description, status, category_id, images,
                                price_min, price_max, created_at, updated_at)
     SELECT format('product-%s', i), title, 'A ' || lower(title) || ' for every day.',
            CASE WHEN i % 50 = 7 THEN 'draft' WHEN i % 50 = 13 THEN 'archived' ELSE 'active' END,
            c.id,
            CASE WHEN i % 3 = 0 THEN '[]'::jsonb
                 ELSE jsonb_build_array(format('https://images.example/products/%s.jpg', i)) END,
            base, base + 600, ts, ts
     FROM generate_series(1, $2::int) i, (SELECT $1::text[] AS w) v,
          LATERAL (SELECT 500 + 100 * pg_temp.pick(i, 200) AS base,
                          timestamptz '2025-01-01T00:00:00Z' + i * interval '1 minute'
                            + pg_temp.pick(i + 7, 1000000) * interval '1 microsecond' AS ts) b,
          LATERAL (SELECT initcap(w[1 + pg_temp.pick(i * 3, cardinality(w))] || ' '
                          || w[1 + pg_temp.pick(i * 3 + 1, cardinality(w))] || ' '
                          || w[1 + pg_temp.pick(i * 3 + 2, cardinality(w))]) AS title) t,
          bench_categories c
     WHERE c.n = pg_temp.pick(i * 11, $3::int)`,
    [WORDS, products, roots * children],
  );

  await client.query(
    `INSERT INTO shop_variants (product_id, sku, title, options, price_minor, weight_grams,
                                on_hand, position, created_at, updated_at)
     SELECT p.id, format('P%s-%s', n, s.size), s.size,
            CASE WHEN n % 2 = 0 THEN jsonb_build_object('size', s.size)
                 ELSE jsonb_build_object('size', s.size,
                                         'colour', ($1::text[])[1 + pg_temp.pick(n, cardinality($1::text[]))]) END,
            p.price_min + 200 * (s.k - 1), 150 + 50 * s.k,
            CASE WHEN n % 5 = 0 THEN 1000000
                 WHEN pg_temp.pick(n * 10 + s.k, 10) = 0 THEN 0
                 ELSE 1 + pg_temp.pick(n * 10 + s.k + 5, 40) END,
            s.k - 1, p.created_at, p.created_at
     FROM (SELECT id, price_min, created_at, substring(slug from 9)::int AS n FROM shop_products) p
     CROSS JOIN unnest($2::text[]) WITH ORDINALITY AS s(size, k)`,
    [COLOURS, SIZES],
  );
  await seedHistory(client, history);
  await client.query('COMMIT');
  await client.query('VACUUM ANALYZE');

  const { rows } = await client.query(`SELECT
    (SELECT count(*) FROM shop_orders)::int AS "historyOrders",
    (SELECT count(*) FROM shop_carts WHERE status = 'open')::int AS "abandonedCarts",
    (SELECT count(*) FROM shop_categories)::int AS categories,
    (SELECT count(*) FROM shop_products)::int AS products,
    (SELECT count(*) FROM shop_products WHERE status = 'active')::int AS active,
    (SELECT count(*) FROM shop_variants)::int AS variants,
    (SELECT count(*) FROM shop_variants WHERE on_hand = 0)::int AS "soldOut",
    (SELECT count(*) FROM shop_variants WHERE on_hand >= 1000000)::int AS "checkoutPool"`);
  const counts = rows[0];
  log(
    `seeded in ${((Date.now() - started) / 1000).toFixed(1)} s: ` +
      Object.entries(counts)
        .map(([k, v]) => `${v} ${k}`)
        .join(', '),
  );
  return counts;
}

/**
 * `orders` delivered orders of the past (one line each, with their cart and first history
 * entry, totals that satisfy the CHECKs) and as many abandoned open carts. Checkout writes these
 * tables and its foreign keys look them up; starting them empty would measure a shop on its
 * first day, whose plans (a foreign-key check scanning a tiny table whole) go bad as it grows.
 */
async function seedHistory(client, orders) {
  await client.query(
    `CREATE TEMP TABLE bench_variants ON COMMIT DROP AS
     SELECT v.id, v.sku, p.title || ' — ' || v.title AS title, v.price_minor,
            (row_number() OVER (ORDER BY v.id) - 1)::int AS n
     FROM shop_variants v JOIN shop_products p ON p.id = v.product_id WHERE p.status = 'active'`,
  );
  await client.query('CREATE UNIQUE INDEX ON bench_variants (n)');
  await client.query(
    `INSERT INTO shop_carts (status, created_at, updated_at)
     SELECT CASE WHEN i % 2 = 0 THEN 'ordered' ELSE 'open' END, ts, ts
     FROM generate_series(1, 2 * $1::int) i,
          LATERAL (SELECT timestamptz '2025-06-01T00:00:00Z' + i * interval '10 minutes' AS ts) t`,
    [orders],
  );
  await client.query(
    `CREATE TEMP TABLE bench_history ON COMMIT DROP AS
     SELECT c.id AS cart_id, c.status, c.created_at, v.id AS variant_id, v.sku, v.title,
            v.price_minor, 1 + c.n % 3 AS quantity, c.n
     FROM (SELECT id, status, created_at, row_number() OVER (ORDER BY created_at)::int AS n
           FROM shop_carts) c
     JOIN bench_variants v
       ON v.n = pg_temp.pick(c.n * 13, (SELECT count(*)::int FROM bench_variants))`,
  );
  await client.query(
    `INSERT INTO shop_cart_items (cart_id, variant_id, quantity, added_at)
     SELECT cart_id, variant_id, quantity, created_at FROM bench_history`,
  );
  // Totals as pricing.ts makes them: 4.90 shipping, 20 % tax rounded half up, paid in full.
  await client.query(
    `INSERT INTO shop_orders (number, cart_id, email, status, currency, subtotal_minor,
                              shipping_minor, tax_minor, total_minor, captured_minor,
                              shipping_address, created_at, updated_at)
     SELECT format('SO-H%s', lpad(h.n::text, 10, '0')), h.cart_id,
            format('customer%s@bench.example', h.n), 'delivered', 'EUR', s.sub, 490, t.tax,
            s.sub + 490 + t.tax, s.sub + 490 + t.tax,
            jsonb_build_object('name', 'Customer ' || h.n, 'line1', h.n || ' Bench Road',
                               'city', 'London', 'postalCode', 'N1 9GU', 'country', 'GB'),
            h.created_at, h.created_at + interval '3 days'
     FROM bench_history h,
          LATERAL (SELECT h.price_minor * h.quantity AS sub) s,
          LATERAL (SELECT ((s.sub + 490) * 2000 * 2 + 10000) / 20000 AS tax) t
     WHERE h.status = 'ordered'`,
  );
  await client.query(
    `INSERT INTO shop_order_lines (order_id, variant_id, sku, title, unit_price_minor, quantity,
                                   total_minor)
     SELECT o.id, h.variant_id, h.sku, h.title, h.price_minor, h.quantity,
            h.price_minor * h.quantity
     FROM shop_orders o JOIN bench_history h ON h.cart_id = o.cart_id`,
  );
  await client.query(
    `INSERT INTO shop_order_events (order_id, from_status, to_status, created_at)
     SELECT id, NULL, 'pending_payment', created_at FROM shop_orders`,
  );
}

/**
 * `count` open guest carts with one line each (quantity 1) on a variant of the checkout pool
 * (active products, 1 000 000 on hand), spread by hash so concurrent checkouts rarely wait for
 * the same variant row. Returns their ids, in creation order. The pool is numbered once per
 * session, in a temporary table.
 */
export async function createCarts(client, count, salt) {
  await client.query(
    `CREATE TEMP TABLE IF NOT EXISTS bench_cart_pool AS
     SELECT v.id, (row_number() OVER (ORDER BY v.id) - 1)::int AS n
     FROM shop_variants v JOIN shop_products p ON p.id = v.product_id
     WHERE v.on_hand >= 1000000 AND p.status = 'active'`,
  );
  await client.query('CREATE UNIQUE INDEX IF NOT EXISTS bench_cart_pool_n ON bench_cart_pool (n)');
  await client.query('ANALYZE bench_cart_pool');
  const { rows } = await client.query(
    `WITH carts AS (
       INSERT INTO shop_carts (id) SELECT gen_random_uuid() FROM generate_series(1, $1::int)
       RETURNING id
     ), numbered AS (
       SELECT id, (row_number() OVER ())::bigint AS i FROM carts
     ), items AS (
       INSERT INTO shop_cart_items (cart_id, variant_id, quantity)
       SELECT c.id, pool.id, 1
       FROM numbered c
       JOIN bench_cart_pool pool
         ON pool.n = ((hashint8(c.i * 7919 + $2::bigint)::bigint + 2147483648)
                      % (SELECT count(*) FROM bench_cart_pool))::int
     )
     SELECT id FROM numbered ORDER BY i`,
    [count, salt],
  );
  return rows.map((r) => r.id);
}
