import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The shop: catalog, stock with its ledger, carts, coupons, orders with their history, payments,
 * refunds and inbound webhook events. Every money column is an integer in minor units; the
 * invariants that must hold under any concurrency are CHECK and UNIQUE constraints here, not
 * only code (see src/modules/shop/README.md, "Where each invariant lives").
 */
export class CreateShop1764000000014 implements MigrationInterface {
  name = 'CreateShop1764000000014';

  async up(q: QueryRunner): Promise<void> {
    // ---------------------------------------------------------------- catalog
    await q.query(`
      CREATE TABLE shop_categories (
        id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        parent_id  uuid,
        name       varchar(120) NOT NULL,
        slug       varchar(140) NOT NULL,
        position   integer      NOT NULL DEFAULT 0,
        created_at timestamptz  NOT NULL DEFAULT now(),
        updated_at timestamptz  NOT NULL DEFAULT now(),
        CONSTRAINT shop_categories_slug_key UNIQUE (slug),
        CONSTRAINT shop_categories_not_own_parent_check CHECK (parent_id IS DISTINCT FROM id),
        CONSTRAINT shop_categories_parent_id_fkey FOREIGN KEY (parent_id)
          REFERENCES shop_categories (id) ON DELETE RESTRICT
      )`);
    await q.query('CREATE INDEX shop_categories_parent_id_idx ON shop_categories (parent_id)');

    await q.query(`
      CREATE TABLE shop_products (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        slug        varchar(200) NOT NULL,
        title       varchar(200) NOT NULL,
        description text         NOT NULL DEFAULT '',
        status      varchar(16)  NOT NULL DEFAULT 'draft',
        category_id uuid,
        images      jsonb        NOT NULL DEFAULT '[]',
        price_min   bigint,
        price_max   bigint,
        version     integer      NOT NULL DEFAULT 1,
        created_at  timestamptz  NOT NULL DEFAULT now(),
        updated_at  timestamptz  NOT NULL DEFAULT now(),
        CONSTRAINT shop_products_slug_key UNIQUE (slug),
        CONSTRAINT shop_products_status_check CHECK (status IN ('draft', 'active', 'archived')),
        CONSTRAINT shop_products_price_range_check CHECK (price_min <= price_max),
        CONSTRAINT shop_products_category_id_fkey FOREIGN KEY (category_id)
          REFERENCES shop_categories (id) ON DELETE SET NULL
      )`);
    // Keyset pages of the storefront: newest first, and by price (the range's lower bound).
    await q.query(
      'CREATE INDEX shop_products_status_created_at_idx ON shop_products (status, created_at DESC, id DESC)',
    );
    await q.query(
      'CREATE INDEX shop_products_status_price_idx ON shop_products (status, price_min, id)',
    );
    await q.query('CREATE INDEX shop_products_category_id_idx ON shop_products (category_id)');
    await q.query(
      `CREATE INDEX shop_products_search_idx ON shop_products
         USING gin (to_tsvector('english', title || ' ' || description))`,
    );

    await q.query(`
      CREATE TABLE shop_variants (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        product_id   uuid         NOT NULL,
        sku          varchar(64)  NOT NULL,
        title        varchar(200) NOT NULL,
        options      jsonb        NOT NULL DEFAULT '{}',
        price_minor  bigint       NOT NULL,
        weight_grams integer      NOT NULL DEFAULT 0,
        on_hand      integer      NOT NULL DEFAULT 0,
        reserved     integer      NOT NULL DEFAULT 0,
        position     integer      NOT NULL DEFAULT 0,
        created_at   timestamptz  NOT NULL DEFAULT now(),
        updated_at   timestamptz  NOT NULL DEFAULT now(),
        CONSTRAINT shop_variants_sku_key UNIQUE (sku),
        CONSTRAINT shop_variants_price_check CHECK (price_minor BETWEEN 0 AND 9007199254740991),
        CONSTRAINT shop_variants_weight_check CHECK (weight_grams >= 0),
        CONSTRAINT shop_variants_stock_check
          CHECK (on_hand >= 0 AND reserved >= 0 AND reserved <= on_hand),
        CONSTRAINT shop_variants_product_id_fkey FOREIGN KEY (product_id)
          REFERENCES shop_products (id) ON DELETE CASCADE
      )`);
    await q.query(
      'CREATE INDEX shop_variants_product_id_idx ON shop_variants (product_id, position)',
    );
    await q.query(
      'CREATE INDEX shop_variants_options_idx ON shop_variants USING gin (options jsonb_path_ops)',
    );

    await q.query(`
      CREATE TABLE shop_collections (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        slug        varchar(140) NOT NULL,
        title       varchar(200) NOT NULL,
        description text         NOT NULL DEFAULT '',
        created_at  timestamptz  NOT NULL DEFAULT now(),
        updated_at  timestamptz  NOT NULL DEFAULT now(),
        CONSTRAINT shop_collections_slug_key UNIQUE (slug)
      )`);
    await q.query(`
      CREATE TABLE shop_collection_products (
        collection_id uuid    NOT NULL,
        product_id    uuid    NOT NULL,
        position      integer NOT NULL DEFAULT 0,
        CONSTRAINT shop_collection_products_pkey PRIMARY KEY (collection_id, product_id),
        CONSTRAINT shop_collection_products_collection_id_fkey FOREIGN KEY (collection_id)
          REFERENCES shop_collections (id) ON DELETE CASCADE,
        CONSTRAINT shop_collection_products_product_id_fkey FOREIGN KEY (product_id)
          REFERENCES shop_products (id) ON DELETE CASCADE
      )`);
    await q.query(
      'CREATE INDEX shop_collection_products_product_id_idx ON shop_collection_products (product_id)',
    );

    // ---------------------------------------------------------------- stock ledger
    await q.query(`
      CREATE TABLE shop_stock_movements (
        id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        variant_id     uuid        NOT NULL,
        on_hand_delta  integer     NOT NULL,
        reserved_delta integer     NOT NULL,
        reason         varchar(16) NOT NULL,
        note           varchar(500),
        order_id       uuid,
        actor_id       uuid,
        created_at     timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT shop_stock_movements_reason_check
          CHECK (reason IN ('adjustment', 'reserve', 'release', 'sale', 'return')),
        CONSTRAINT shop_stock_movements_nonzero_check
          CHECK (on_hand_delta <> 0 OR reserved_delta <> 0),
        CONSTRAINT shop_stock_movements_variant_id_fkey FOREIGN KEY (variant_id)
          REFERENCES shop_variants (id) ON DELETE RESTRICT
      )`);
    await q.query(
      'CREATE INDEX shop_stock_movements_variant_id_idx ON shop_stock_movements (variant_id, id)',
    );
    // Append-only: history is never rewritten, by the app or by anyone with SQL access.
    await q.query(`
      CREATE FUNCTION shop_refuse_ledger_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'shop_stock_movements is append-only' USING ERRCODE = 'restrict_violation';
      END $$`);
    await q.query(`
      CREATE TRIGGER shop_stock_movements_append_only
        BEFORE UPDATE OR DELETE ON shop_stock_movements
        FOR EACH ROW EXECUTE FUNCTION shop_refuse_ledger_change()`);

    // ---------------------------------------------------------------- carts
    await q.query(`
      CREATE TABLE shop_carts (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id uuid,
        status      varchar(16) NOT NULL DEFAULT 'open',
        coupon_code varchar(64),
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT shop_carts_status_check CHECK (status IN ('open', 'ordered', 'merged')),
        CONSTRAINT shop_carts_customer_id_fkey FOREIGN KEY (customer_id)
          REFERENCES users (id) ON DELETE CASCADE
      )`);
    // One open cart per customer (guests' carts have no customer).
    await q.query(
      "CREATE UNIQUE INDEX shop_carts_customer_open_key ON shop_carts (customer_id) WHERE status = 'open'",
    );
    await q.query(`
      CREATE TABLE shop_cart_items (
        cart_id    uuid        NOT NULL,
        variant_id uuid        NOT NULL,
        quantity   integer     NOT NULL,
        added_at   timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT shop_cart_items_pkey PRIMARY KEY (cart_id, variant_id),
        CONSTRAINT shop_cart_items_quantity_check CHECK (quantity BETWEEN 1 AND 999),
        CONSTRAINT shop_cart_items_cart_id_fkey FOREIGN KEY (cart_id)
          REFERENCES shop_carts (id) ON DELETE CASCADE,
        CONSTRAINT shop_cart_items_variant_id_fkey FOREIGN KEY (variant_id)
          REFERENCES shop_variants (id) ON DELETE CASCADE
      )`);

    // ---------------------------------------------------------------- coupons
    await q.query(`
      CREATE TABLE shop_coupons (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code             varchar(64) NOT NULL,
        kind             varchar(16) NOT NULL,
        amount           bigint      NOT NULL,
        starts_at        timestamptz,
        ends_at          timestamptz,
        max_redemptions  integer,
        max_per_customer integer,
        redemptions      integer     NOT NULL DEFAULT 0,
        active           boolean     NOT NULL DEFAULT true,
        created_at       timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT shop_coupons_code_key UNIQUE (code),
        CONSTRAINT shop_coupons_code_check CHECK (code = upper(code)),
        CONSTRAINT shop_coupons_kind_check CHECK (kind IN ('percentage', 'fixed')),
        CONSTRAINT shop_coupons_amount_check
          CHECK (amount > 0 AND (kind <> 'percentage' OR amount <= 100)),
        CONSTRAINT shop_coupons_window_check CHECK (ends_at > starts_at),
        CONSTRAINT shop_coupons_limits_check
          CHECK (max_redemptions > 0 AND max_per_customer > 0),
        CONSTRAINT shop_coupons_redemptions_check
          CHECK (redemptions >= 0 AND (max_redemptions IS NULL OR redemptions <= max_redemptions))
      )`);

    // ---------------------------------------------------------------- orders
    await q.query(`
      CREATE TABLE shop_orders (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        number           varchar(20)  NOT NULL,
        customer_id      uuid,
        cart_id          uuid         NOT NULL,
        email            varchar(254) NOT NULL,
        status           varchar(24)  NOT NULL DEFAULT 'pending_payment',
        currency         char(3)      NOT NULL,
        subtotal_minor   bigint       NOT NULL,
        discount_minor   bigint       NOT NULL DEFAULT 0,
        shipping_minor   bigint       NOT NULL DEFAULT 0,
        tax_minor        bigint       NOT NULL DEFAULT 0,
        total_minor      bigint       NOT NULL,
        captured_minor   bigint       NOT NULL DEFAULT 0,
        refunded_minor   bigint       NOT NULL DEFAULT 0,
        coupon_id        uuid,
        shipping_address jsonb        NOT NULL,
        reserved_until   timestamptz,
        idempotency_key  varchar(255),
        version          integer      NOT NULL DEFAULT 1,
        created_at       timestamptz  NOT NULL DEFAULT now(),
        updated_at       timestamptz  NOT NULL DEFAULT now(),
        CONSTRAINT shop_orders_number_key UNIQUE (number),
        CONSTRAINT shop_orders_cart_id_key UNIQUE (cart_id),
        CONSTRAINT shop_orders_status_check CHECK (status IN ('pending_payment', 'paid', 'fulfilled',
          'delivered', 'cancelled', 'refunded', 'partially_refunded')),
        CONSTRAINT shop_orders_amounts_check CHECK (subtotal_minor >= 0 AND shipping_minor >= 0
          AND tax_minor >= 0 AND discount_minor BETWEEN 0 AND subtotal_minor),
        CONSTRAINT shop_orders_total_check
          CHECK (total_minor = subtotal_minor - discount_minor + shipping_minor + tax_minor),
        CONSTRAINT shop_orders_captured_check CHECK (captured_minor BETWEEN 0 AND total_minor),
        CONSTRAINT shop_orders_refunded_check CHECK (refunded_minor BETWEEN 0 AND captured_minor),
        CONSTRAINT shop_orders_customer_id_fkey FOREIGN KEY (customer_id)
          REFERENCES users (id) ON DELETE SET NULL,
        CONSTRAINT shop_orders_cart_id_fkey FOREIGN KEY (cart_id)
          REFERENCES shop_carts (id) ON DELETE RESTRICT,
        CONSTRAINT shop_orders_coupon_id_fkey FOREIGN KEY (coupon_id)
          REFERENCES shop_coupons (id) ON DELETE RESTRICT
      )`);
    await q.query(
      'CREATE INDEX shop_orders_customer_id_idx ON shop_orders (customer_id, created_at DESC)',
    );
    await q.query('CREATE INDEX shop_orders_created_at_idx ON shop_orders (created_at DESC, id)');
    // The reservation sweeper looks only at unpaid orders whose hold has run out.
    await q.query(
      "CREATE INDEX shop_orders_reserved_until_idx ON shop_orders (reserved_until) WHERE status = 'pending_payment'",
    );
    // Coupon usage per customer is counted from orders that hold a redemption.
    await q.query(
      'CREATE INDEX shop_orders_coupon_id_idx ON shop_orders (coupon_id, customer_id) WHERE coupon_id IS NOT NULL',
    );

    await q.query(`
      CREATE TABLE shop_order_lines (
        id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        order_id         uuid         NOT NULL,
        variant_id       uuid         NOT NULL,
        sku              varchar(64)  NOT NULL,
        title            varchar(400) NOT NULL,
        unit_price_minor bigint       NOT NULL,
        quantity         integer      NOT NULL,
        discount_minor   bigint       NOT NULL DEFAULT 0,
        total_minor      bigint       NOT NULL,
        CONSTRAINT shop_order_lines_quantity_check CHECK (quantity BETWEEN 1 AND 999),
        CONSTRAINT shop_order_lines_amounts_check CHECK (unit_price_minor >= 0
          AND discount_minor BETWEEN 0 AND unit_price_minor * quantity),
        CONSTRAINT shop_order_lines_total_check
          CHECK (total_minor = unit_price_minor * quantity - discount_minor),
        CONSTRAINT shop_order_lines_order_id_fkey FOREIGN KEY (order_id)
          REFERENCES shop_orders (id) ON DELETE CASCADE,
        CONSTRAINT shop_order_lines_variant_id_fkey FOREIGN KEY (variant_id)
          REFERENCES shop_variants (id) ON DELETE RESTRICT
      )`);
    await q.query('CREATE INDEX shop_order_lines_order_id_idx ON shop_order_lines (order_id)');

    await q.query(`
      CREATE TABLE shop_order_events (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        order_id    uuid        NOT NULL,
        from_status varchar(24),
        to_status   varchar(24) NOT NULL,
        actor_id    uuid,
        note        varchar(500),
        created_at  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT shop_order_events_order_id_fkey FOREIGN KEY (order_id)
          REFERENCES shop_orders (id) ON DELETE CASCADE
      )`);
    await q.query(
      'CREATE INDEX shop_order_events_order_id_idx ON shop_order_events (order_id, id)',
    );

    // ---------------------------------------------------------------- payments
    await q.query(`
      CREATE TABLE shop_payments (
        id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        order_id            uuid         NOT NULL,
        provider            varchar(32)  NOT NULL,
        provider_payment_id varchar(255) NOT NULL,
        amount_minor        bigint       NOT NULL,
        currency            char(3)      NOT NULL,
        status              varchar(24)  NOT NULL DEFAULT 'requires_payment',
        created_at          timestamptz  NOT NULL DEFAULT now(),
        updated_at          timestamptz  NOT NULL DEFAULT now(),
        CONSTRAINT shop_payments_provider_payment_id_key UNIQUE (provider, provider_payment_id),
        CONSTRAINT shop_payments_amount_check CHECK (amount_minor > 0),
        CONSTRAINT shop_payments_status_check
          CHECK (status IN ('requires_payment', 'succeeded', 'failed', 'cancelled')),
        CONSTRAINT shop_payments_order_id_fkey FOREIGN KEY (order_id)
          REFERENCES shop_orders (id) ON DELETE RESTRICT
      )`);
    // At most one live payment per order: a second "pay" cannot become a second charge.
    await q.query(
      `CREATE UNIQUE INDEX shop_payments_order_live_key ON shop_payments (order_id)
         WHERE status IN ('requires_payment', 'succeeded')`,
    );

    await q.query(`
      CREATE TABLE shop_refunds (
        id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        order_id           uuid         NOT NULL,
        payment_id         uuid         NOT NULL,
        amount_minor       bigint       NOT NULL,
        reason             varchar(500),
        provider_refund_id varchar(255),
        idempotency_key    varchar(255) NOT NULL,
        actor_id           uuid,
        created_at         timestamptz  NOT NULL DEFAULT now(),
        CONSTRAINT shop_refunds_amount_check CHECK (amount_minor > 0),
        CONSTRAINT shop_refunds_idempotency_key UNIQUE (order_id, idempotency_key),
        CONSTRAINT shop_refunds_order_id_fkey FOREIGN KEY (order_id)
          REFERENCES shop_orders (id) ON DELETE RESTRICT,
        CONSTRAINT shop_refunds_payment_id_fkey FOREIGN KEY (payment_id)
          REFERENCES shop_payments (id) ON DELETE RESTRICT
      )`);

    // Inbound provider events: the unique key makes a redelivered event a no-op.
    await q.query(`
      CREATE TABLE shop_webhook_events (
        id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        provider     varchar(32)  NOT NULL,
        event_id     varchar(255) NOT NULL,
        type         varchar(100) NOT NULL,
        payload      jsonb        NOT NULL,
        received_at  timestamptz  NOT NULL DEFAULT now(),
        processed_at timestamptz,
        outcome      varchar(500),
        CONSTRAINT shop_webhook_events_event_key UNIQUE (provider, event_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'shop_webhook_events',
      'shop_refunds',
      'shop_payments',
      'shop_order_events',
      'shop_order_lines',
      'shop_orders',
      'shop_coupons',
      'shop_cart_items',
      'shop_carts',
      'shop_stock_movements',
      'shop_collection_products',
      'shop_collections',
      'shop_variants',
      'shop_products',
      'shop_categories',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
    await q.query('DROP FUNCTION shop_refuse_ledger_change()');
  }
}
