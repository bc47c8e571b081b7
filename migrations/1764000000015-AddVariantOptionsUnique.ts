import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two variants of one product with the same option values (two "M / red") cannot be told apart
 * by a shopper, a filter or a facet. The UNIQUE constraint makes that state impossible under
 * any concurrency; jsonb equality ignores key order, so `{"size":"M","colour":"red"}` and
 * `{"colour":"red","size":"M"}` collide as they should. A product with a single variant and no
 * options stores `{}`, so at most one variant of a product may have no options.
 */
export class AddVariantOptionsUnique1764000000015 implements MigrationInterface {
  name = 'AddVariantOptionsUnique1764000000015';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE shop_variants ADD CONSTRAINT shop_variants_product_options_key UNIQUE (product_id, options)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE shop_variants DROP CONSTRAINT shop_variants_product_options_key');
  }
}
