import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reconciliation of payments whose webhook never came: `checked_at` is when the provider was
 * last asked about a still-pending payment, so each one is polled at most once per interval.
 * The partial index holds only pending payments — the few the sweep looks at — ordered by age.
 */
export class AddPaymentReconciliation1764000000018 implements MigrationInterface {
  name = 'AddPaymentReconciliation1764000000018';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE shop_payments ADD COLUMN checked_at timestamptz');
    await q.query(
      `CREATE INDEX shop_payments_pending_idx ON shop_payments (created_at)
         WHERE status = 'requires_payment'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX shop_payments_pending_idx');
    await q.query('ALTER TABLE shop_payments DROP COLUMN checked_at');
  }
}
