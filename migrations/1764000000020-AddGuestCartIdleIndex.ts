import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Guest carts nobody touched for `SHOP_GUEST_CART_TTL_DAYS` are deleted by an hourly job; this
 * partial index holds only the candidates (guest carts not ordered), oldest activity first, so
 * the job reads the few it deletes instead of the whole cart table.
 */
export class AddGuestCartIdleIndex1764000000020 implements MigrationInterface {
  name = 'AddGuestCartIdleIndex1764000000020';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX shop_carts_guest_idle_idx ON shop_carts (updated_at)
         WHERE customer_id IS NULL AND status IN ('open', 'merged')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX shop_carts_guest_idle_idx');
  }
}
