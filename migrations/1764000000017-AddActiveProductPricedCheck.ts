import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An active product always has a price: something to sell. Besides keeping empty products off
 * the storefront, it lets storefront keyset pages by price compare `(price_min, id)` as a plain
 * row — an index condition on (status, price_min, id) — without a branch for unpriced rows.
 */
export class AddActiveProductPricedCheck1764000000017 implements MigrationInterface {
  name = 'AddActiveProductPricedCheck1764000000017';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE shop_products ADD CONSTRAINT shop_products_active_priced_check
         CHECK (status <> 'active' OR price_min IS NOT NULL)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE shop_products DROP CONSTRAINT shop_products_active_priced_check');
  }
}
