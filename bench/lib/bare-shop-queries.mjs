// The bare baseline's shop SQL and JSON, written by hand for bench/shop-baseline-server.mjs and
// kept in its own module so that bench/shop.mjs can EXPLAIN and time exactly what it runs.
// Nothing here is imported from Stoa: it is what a developer would write against the same
// tables without the framework, producing the same bytes.

const iso = (column, precision = 'MS') =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.${precision}"Z"')`;

/**
 * `GET /shop/products?limit=n`, newest first: one statement. The page is walked down the
 * (status, created_at DESC, id DESC) index and stops after $1 rows (one more than asked: it
 * says whether there is a next page); the per-product summaries run only for those rows.
 */
export const PRODUCT_LIST_SQL = `
  SELECT p.id, p.slug, p.title, p.status, p.images, c.slug AS category_slug,
         c.name AS category_name, p.price_min::float8 AS price_min, p.price_max::float8 AS price_max,
         vs.available, vs.variant_count, os.options,
         ${iso('p.created_at')} AS created_at, ${iso('p.updated_at')} AS updated_at,
         ${iso('p.created_at', 'US')} AS cursor_key
  FROM shop_products p
  LEFT JOIN shop_categories c ON c.id = p.category_id
  CROSS JOIN LATERAL (
    SELECT coalesce(sum(v.on_hand - v.reserved), 0)::int AS available, count(*)::int AS variant_count
    FROM shop_variants v WHERE v.product_id = p.id
  ) vs
  CROSS JOIN LATERAL (
    SELECT coalesce(json_agg(json_build_object('name', name, 'values', vals) ORDER BY name), '[]')
             AS options
    FROM (
      SELECT name, json_agg(value ORDER BY first_position, value) AS vals
      FROM (
        SELECT o.key AS name, o.value, min(v.position) AS first_position
        FROM shop_variants v CROSS JOIN LATERAL jsonb_each_text(v.options) o
        WHERE v.product_id = p.id
        GROUP BY o.key, o.value
      ) used GROUP BY name
    ) kv
  ) os
  WHERE p.status = 'active'
  ORDER BY p.created_at DESC, p.id DESC
  LIMIT $1`;

/** Rows (limit + 1 of them at most) → the storefront page, keys in Stoa's order. */
export function toProductList(rows, limit, currency) {
  const money = (amount) => ({ amount, currency });
  const page = rows.slice(0, limit);
  const last = rows.length > limit ? page.at(-1) : undefined;
  return {
    products: page.map((r) => ({
      id: r.id,
      slug: r.slug,
      title: r.title,
      status: r.status,
      images: r.images,
      category: r.category_slug === null ? null : { slug: r.category_slug, name: r.category_name },
      priceRange: { min: money(r.price_min), max: money(r.price_max) },
      available: r.available,
      inStock: r.available > 0,
      variantCount: r.variant_count,
      options: r.options,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    })),
    nextCursor: last
      ? Buffer.from(JSON.stringify({ sort: 'newest', key: last.cursor_key, id: last.id })).toString(
          'base64url',
        )
      : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Checkout: BEGIN, lock + read, one writing statement, COMMIT.

/** Locks the cart row (a second checkout of it waits) and reads its lines with live prices. */
export const CHECKOUT_LOCK_SQL = `
  SELECT c.status, c.customer_id, c.coupon_code, i.variant_id, v.sku,
         p.title || ' — ' || v.title AS title, v.price_minor::float8 AS unit_price,
         v.weight_grams, i.quantity, p.status = 'active' AS purchasable
  FROM shop_carts c
  LEFT JOIN shop_cart_items i ON i.cart_id = c.id
  LEFT JOIN shop_variants v ON v.id = i.variant_id
  LEFT JOIN shop_products p ON p.id = v.product_id
  WHERE c.id = $1
  ORDER BY i.added_at, i.variant_id
  FOR UPDATE OF c`;

/**
 * Reserves every line (variants locked in id order, a ledger row each) and, only if all were
 * reserved, inserts the order, its lines and first history entry, marks the cart ordered and
 * writes the outbox row; NOTIFY at commit. Returns the variants that were short, or what the
 * database stored. Params: see `placeParams`.
 */
export const CHECKOUT_PLACE_SQL = `
  WITH wanted AS (
    SELECT * FROM unnest($1::uuid[], $2::int[]) AS w(variant_id, qty)
  ), locked AS (
    SELECT v.id FROM shop_variants v WHERE v.id = ANY($1::uuid[]) ORDER BY v.id FOR UPDATE
  ), changed AS (
    UPDATE shop_variants v SET reserved = v.reserved + w.qty, updated_at = now()
    FROM wanted w, locked l
    WHERE v.id = w.variant_id AND l.id = v.id AND v.on_hand - v.reserved >= w.qty
    RETURNING v.id, w.qty
  ), logged AS (
    INSERT INTO shop_stock_movements (variant_id, on_hand_delta, reserved_delta, reason, order_id)
    SELECT id, 0, qty, 'reserve', $3::uuid FROM changed
  ), short AS (
    SELECT variant_id AS id FROM wanted WHERE variant_id NOT IN (SELECT id FROM changed)
  ), placed AS (
    INSERT INTO shop_orders (id, number, cart_id, email, currency, subtotal_minor, discount_minor,
                             shipping_minor, tax_minor, total_minor, shipping_address,
                             reserved_until)
    SELECT $3::uuid, $4::text, $5::uuid, $6::text, $7::text, $8::bigint, 0, $9::bigint,
           $10::bigint, $11::bigint, $12::jsonb, now() + make_interval(secs => $13::int)
    WHERE NOT EXISTS (SELECT 1 FROM short)
    RETURNING id, cart_id, shipping_address, reserved_until, created_at, updated_at
  ), order_lines AS (
    INSERT INTO shop_order_lines (order_id, variant_id, sku, title, unit_price_minor, quantity,
                                  discount_minor, total_minor)
    SELECT placed.id, l.variant_id, l.sku, l.title, l.unit_price, l.quantity, 0,
           l.unit_price * l.quantity
    FROM placed CROSS JOIN unnest($14::uuid[], $15::text[], $16::text[], $17::bigint[], $18::int[])
         AS l(variant_id, sku, title, unit_price, quantity)
  ), history AS (
    INSERT INTO shop_order_events (order_id, from_status, to_status)
    SELECT id, NULL, 'pending_payment' FROM placed
    RETURNING created_at
  ), ordered_cart AS (
    UPDATE shop_carts c SET status = 'ordered', updated_at = now()
    FROM placed WHERE c.id = placed.cart_id
  ), announced AS (
    INSERT INTO outbox (topic, payload)
    SELECT 'shop.orderPlaced', jsonb_build_object('orderId', id) FROM placed
    RETURNING topic
  )
  SELECT (SELECT array_agg(id) FROM short) AS short,
         placed.shipping_address, ${iso('placed.reserved_until')} AS reserved_until,
         ${iso('placed.created_at')} AS created_at, ${iso('placed.updated_at')} AS updated_at,
         (SELECT ${iso('created_at')} FROM history) AS history_at,
         (SELECT pg_notify('stoa_outbox', topic) FROM announced) AS notified
  FROM (SELECT 1) one LEFT JOIN placed ON true`;

/** Half-up `amount × n ÷ d` in integers, as money must be. */
const mulDivRound = (amount, n, d) =>
  Number((BigInt(amount) * BigInt(n) * 2n + BigInt(d)) / (2n * BigInt(d)));

/**
 * Totals without a coupon (the bare server serves no coupons): subtotal, shipping by parcel
 * weight (`rates`: [maxGrams, priceMinor] ascending), tax in basis points on both, half-up.
 * `undefined` when the parcel is too heavy to ship.
 */
export function priceLines(lines, { taxRateBp, rates }) {
  const subtotal = lines.reduce((a, l) => a + l.unit_price * l.quantity, 0);
  const grams = lines.reduce((a, l) => a + l.weight_grams * l.quantity, 0);
  const rate = rates.find(([maxGrams]) => grams <= maxGrams);
  if (!rate) return undefined;
  const shipping = rate[1];
  const tax = mulDivRound(subtotal + shipping, taxRateBp, 10_000);
  return { subtotal, shipping, tax, total: subtotal + shipping + tax };
}

/** CHECKOUT_PLACE_SQL's parameters. */
export function placeParams({
  orderId,
  number,
  cartId,
  email,
  currency,
  totals,
  address,
  holdS,
  lines,
}) {
  const byVariant = new Map();
  for (const l of lines)
    byVariant.set(l.variant_id, (byVariant.get(l.variant_id) ?? 0) + l.quantity);
  const ids = [...byVariant.keys()].sort();
  return [
    ids,
    ids.map((id) => byVariant.get(id)),
    orderId,
    number,
    cartId,
    email,
    currency,
    totals.subtotal,
    totals.shipping,
    totals.tax,
    totals.total,
    JSON.stringify(address),
    holdS,
    lines.map((l) => l.variant_id),
    lines.map((l) => l.sku),
    lines.map((l) => l.title),
    lines.map((l) => l.unit_price),
    lines.map((l) => l.quantity),
  ];
}

/** The order as Stoa's `toOrderDto` writes it (same keys, same order). */
export function toOrderBody({ number, email, currency, totals, lines, stored }) {
  const money = (amount) => ({ amount, currency });
  return {
    order: {
      number,
      status: 'pending_payment',
      email,
      totals: {
        subtotal: money(totals.subtotal),
        discount: money(0),
        shipping: money(totals.shipping),
        tax: money(totals.tax),
        total: money(totals.total),
      },
      captured: money(0),
      refunded: money(0),
      couponCode: null,
      shippingAddress: stored.shipping_address,
      reservedUntil: stored.reserved_until,
      lines: lines.map((l) => ({
        variantId: l.variant_id,
        sku: l.sku,
        title: l.title,
        unitPrice: money(l.unit_price),
        quantity: l.quantity,
        discount: money(0),
        total: money(l.unit_price * l.quantity),
      })),
      history: [{ from: null, to: 'pending_payment', note: null, at: stored.history_at }],
      createdAt: stored.created_at,
      updatedAt: stored.updated_at,
    },
  };
}
