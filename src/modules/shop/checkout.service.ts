import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { shopConfig, type ShopConfig } from '@/config';
import type { AuthUser } from '@/core/auth/permissions';
import { TransactionService } from '@/core/database/transaction.service';
import { OutboxService } from '@/core/outbox/outbox.service';
import { CartsRepository } from './carts.repository';
import { CatalogService } from './catalog.service';
import { couponProblem } from './carts.service';
import { CouponsRepository } from './coupons.repository';
import type { ShippingAddress } from './entities/order.entity';
import { InventoryRepository } from './inventory.repository';
import { OrderLifecycleService } from './order-lifecycle.service';
import { OrdersRepository, type OrderView } from './orders.repository';
import { priceCart, type CouponTerms } from './pricing';
import { ShopEvent } from './shop.events';
import {
  CartNotFoundError,
  CartNotOpenError,
  CouponExhaustedError,
  CouponInvalidError,
  CurrencyMismatchError,
  EmptyCartError,
  OutOfStockError,
  PriceChangedError,
  VariantNotFoundError,
} from './shop.errors';
import { ValidationFailedError } from '@/core/http/domain-error';

export interface CheckoutInput {
  email?: string;
  shippingAddress: ShippingAddress;
  /** What the customer saw; a different server total fails the checkout instead of charging it. */
  expectedTotal?: { amount: number; currency: string };
}

/** Crockford base32 without look-alikes: order numbers are read out on the phone. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `SO-` + 12 symbols from the CSPRNG (60 bits): not guessable, says nothing about volume. */
export function newOrderNumber(): string {
  const bytes = randomBytes(12);
  return `SO-${[...bytes].map((b) => ALPHABET[b & 31]).join('')}`;
}

/**
 * Checkout: prices the cart on the server, takes a coupon use, reserves stock and places the
 * order — one transaction, so a failure anywhere leaves nothing behind.
 *
 * Round trips inside the transaction: cart + lines (locked, one statement), [coupon lock and
 * redemption], stock reservation (one statement for all lines), order + lines + history + cart
 * status (one statement), outbox. A retry of a checkout that already committed (the client
 * never saw the answer) finds the order through the cart, which converts to exactly one order.
 */
@Injectable()
export class CheckoutService {
  constructor(
    private readonly carts: CartsRepository,
    private readonly coupons: CouponsRepository,
    private readonly inventory: InventoryRepository,
    private readonly orders: OrdersRepository,
    private readonly outbox: OutboxService,
    private readonly tx: TransactionService,
    private readonly lifecycle: OrderLifecycleService,
    private readonly catalog: CatalogService,
    @Inject(shopConfig.KEY) private readonly config: ShopConfig,
  ) {}

  async checkout(
    cartId: string,
    input: CheckoutInput,
    viewer: AuthUser | undefined,
    idempotencyKey?: string,
  ): Promise<{ order: OrderView; created: boolean }> {
    if (input.expectedTotal && input.expectedTotal.currency !== this.config.currency) {
      throw new CurrencyMismatchError(this.config.currency);
    }
    if (!viewer && !input.email) {
      throw new ValidationFailedError({ email: ['is required for a guest checkout'] });
    }
    return this.tx.run(async ({ manager, afterCommit }) => {
      const locked = await this.carts.lockWithLines(manager, cartId);
      if (!locked || (locked.cart.customerId !== null && locked.cart.customerId !== viewer?.id)) {
        throw new CartNotFoundError();
      }
      const { cart, lines } = locked;
      if (cart.status !== 'open') {
        // The same checkout again (a retry after a lost response): answer with its order.
        const existing = await this.orders.findByCart(cartId, manager);
        if (existing && idempotencyKey && existing.idempotencyKey === idempotencyKey) {
          return { order: existing, created: false };
        }
        throw new CartNotOpenError();
      }
      if (!lines.length) throw new EmptyCartError();
      const gone = lines.filter((l) => !l.purchasable);
      if (gone.length) throw new VariantNotFoundError(gone[0].sku);

      const email = input.email ?? null;
      let coupon: (CouponTerms & { id: string }) | undefined;
      if (cart.couponCode) {
        const row = await this.coupons.lock(manager, cart.couponCode);
        const problem = couponProblem(row);
        if (problem || !row) throw new CouponInvalidError(problem ?? 'unknown or inactive code');
        const outcome = await this.coupons.redeem(manager, row.id, {
          customerId: viewer?.id ?? null,
          email: email ?? '',
        });
        if (outcome === 'exhausted') throw new CouponExhaustedError('no uses left');
        if (outcome === 'customer_limit') throw new CouponExhaustedError('already used');
        coupon = { id: row.id, kind: row.kind, amount: row.amount };
      }

      const totals = priceCart(lines, coupon, this.config);
      if (input.expectedTotal && input.expectedTotal.amount !== totals.totalMinor) {
        throw new PriceChangedError(lines.map((l) => l.sku));
      }

      const orderId = randomUUID();
      const short = await this.inventory.reserve(manager, orderId, lines);
      if (short.length) {
        throw new OutOfStockError(
          lines.filter((l) => short.includes(l.variantId)).map((l) => l.sku),
        );
      }
      await this.orders.insertPlaced(manager, {
        id: orderId,
        number: newOrderNumber(),
        customerId: viewer?.id ?? null,
        cartId,
        email,
        currency: this.config.currency,
        subtotalMinor: totals.subtotalMinor,
        discountMinor: totals.discountMinor,
        shippingMinor: totals.shippingMinor,
        taxMinor: totals.taxMinor,
        totalMinor: totals.totalMinor,
        couponId: coupon?.id ?? null,
        shippingAddress: input.shippingAddress,
        reservedUntil: new Date(Date.now() + this.config.reservationSeconds * 1000),
        idempotencyKey: idempotencyKey ?? null,
        lines: lines.map((l, i) => ({
          variantId: l.variantId,
          sku: l.sku,
          title: l.title,
          unitPriceMinor: l.unitPriceMinor,
          quantity: l.quantity,
          discountMinor: totals.lineDiscounts[i],
        })),
      });
      await this.outbox.add(manager, ShopEvent.OrderPlaced, { orderId });
      const order = await this.orders.findById(orderId, manager);
      if (!order) throw new Error(`order ${orderId} vanished inside its own transaction`);
      afterCommit(() => this.lifecycle.scheduleHoldExpiry(order));
      // Availability changed: product pages show it on the next read.
      afterCommit(() => this.catalog.stockChanged(lines.map((l) => l.variantId)));
      return { order, created: true };
    });
  }
}
