import { randomFillSync, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { shopConfig, type ShopConfig } from '@/config';
import type { AuthUser } from '@/core/auth/permissions';
import { TransactionService } from '@/core/database/transaction.service';
import { CartsRepository } from './carts.repository';
import { CatalogService } from './catalog.service';
import { couponProblem } from './carts.service';
import { CouponsRepository } from './coupons.repository';
import type { ShippingAddress } from './entities/order.entity';
import { OrderLifecycleService } from './order-lifecycle.service';
import {
  OrdersRepository,
  type NewOrder,
  type OrderView,
  type PlaceResult,
} from './orders.repository';
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

/** CSPRNG bytes drawn 4 KiB at a time (as `randomUUID` does), 12 per order number. */
const pool = Buffer.alloc(12 * 341);
let poolUsed = pool.length;

/** `SO-` + 12 symbols from the CSPRNG (60 bits): not guessable, says nothing about volume. */
export function newOrderNumber(): string {
  if (poolUsed === pool.length) {
    randomFillSync(pool);
    poolUsed = 0;
  }
  let number = 'SO-';
  for (let i = poolUsed; i < poolUsed + 12; i++) number += ALPHABET[pool[i] & 31];
  poolUsed += 12;
  return number;
}

/**
 * The order as `OrdersRepository.findById` would read it right after `place`, from what is
 * already in hand: the input, and what PostgreSQL decided (timestamps, the stored email and
 * address). Saves reading back inside the transaction what was just written.
 */
function placedOrderView(
  o: NewOrder,
  stored: Extract<PlaceResult, { placed: true }>,
  couponCode: string | null,
): OrderView {
  return {
    id: o.id,
    number: o.number,
    status: 'pending_payment',
    email: stored.email,
    customerId: o.customerId,
    cartId: o.cartId,
    currency: o.currency,
    subtotalMinor: o.subtotalMinor,
    discountMinor: o.discountMinor,
    shippingMinor: o.shippingMinor,
    taxMinor: o.taxMinor,
    totalMinor: o.totalMinor,
    capturedMinor: 0,
    refundedMinor: 0,
    couponCode,
    couponId: o.couponId,
    shippingAddress: stored.shippingAddress,
    reservedUntil: stored.reservedUntil,
    idempotencyKey: o.idempotencyKey,
    createdAt: stored.createdAt,
    updatedAt: stored.updatedAt,
    lines: o.lines.map((l) => ({
      ...l,
      totalMinor: l.unitPriceMinor * l.quantity - l.discountMinor,
    })),
    history: [{ from: null, to: 'pending_payment', note: null, at: stored.historyAt }],
  };
}

/**
 * Checkout: prices the cart on the server, takes a coupon use, reserves stock and places the
 * order — one transaction, so a failure anywhere leaves nothing behind.
 *
 * Round trips: `START TRANSACTION`, the cart and its lines (locked, one statement), [the coupon,
 * locked], the placing statement (stock reserved for every line, the coupon use taken, the
 * order with its lines and history, the cart marked ordered, the outbox row and its NOTIFY —
 * `OrdersRepository.place`), `COMMIT`: four, five with a coupon (a test counts them). The
 * response is built from what is in hand, not read back. A retry of a checkout that already
 * committed (the client never saw the answer) finds the order through the cart, which converts
 * to exactly one order.
 */
@Injectable()
export class CheckoutService {
  constructor(
    private readonly carts: CartsRepository,
    private readonly coupons: CouponsRepository,
    private readonly orders: OrdersRepository,
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
      let coupon: (CouponTerms & { id: string; code: string }) | undefined;
      if (cart.couponCode) {
        // Locked here; its use is counted and taken by the placing statement, a later one.
        const row = await this.coupons.lock(manager, cart.couponCode);
        const problem = couponProblem(row);
        if (problem || !row) throw new CouponInvalidError(problem ?? 'unknown or inactive code');
        coupon = { id: row.id, code: row.code, kind: row.kind, amount: row.amount };
      }

      const totals = priceCart(lines, coupon, this.config);
      if (input.expectedTotal && input.expectedTotal.amount !== totals.totalMinor) {
        throw new PriceChangedError(lines.map((l) => l.sku));
      }

      const order: NewOrder = {
        id: randomUUID(),
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
      };
      const placed = await this.orders.place(manager, order, {
        topic: ShopEvent.OrderPlaced,
        payload: { orderId: order.id },
      });
      if (!placed.placed) {
        // Same precedence as the checks ran before they shared a statement: coupon, then stock.
        if (placed.coupon === 'exhausted') throw new CouponExhaustedError('no uses left');
        if (placed.coupon === 'customer_limit') throw new CouponExhaustedError('already used');
        throw new OutOfStockError(
          lines.filter((l) => placed.short.includes(l.variantId)).map((l) => l.sku),
        );
      }
      const view = placedOrderView(order, placed, coupon?.code ?? null);
      // After commit, side by side: the hold-expiry job (BullMQ's connection) and, as
      // availability changed, the cached product pages (the cache's connection; the slugs came
      // with the cart's lines, so no query). Two Redis round trips in parallel, not one after
      // the other: the response waits for the slower one only.
      afterCommit(async () => {
        await Promise.all([
          this.lifecycle.scheduleHoldExpiry(view),
          this.catalog.forget(...lines.map((l) => l.productSlug)),
        ]);
      });
      return { order: view, created: true };
    });
  }
}
