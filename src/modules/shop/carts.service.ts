import { Inject, Injectable } from '@nestjs/common';
import { shopConfig, type ShopConfig } from '@/config';
import type { AuthUser } from '@/core/auth/permissions';
import { TransactionService } from '@/core/database/transaction.service';
import { CartsRepository, type CartHeader, type CartLine } from './carts.repository';
import { CouponsRepository, type CouponRow } from './coupons.repository';
import { priceCart, type CouponTerms, type Totals } from './pricing';
import {
  CartNotFoundError,
  CartNotOpenError,
  CouponInvalidError,
  NotShippableError,
  OutOfStockError,
  VariantNotFoundError,
} from './shop.errors';

export interface CartView {
  id: string;
  status: CartHeader['status'];
  couponCode: string | null;
  currency: string;
  items: CartLine[];
  /** `undefined` when the parcel is too heavy for any shipping rate. */
  totals: Totals | undefined;
}

/** Why a coupon cannot apply now (window, switched off), or `undefined` when it can. */
export function couponProblem(coupon: CouponRow | undefined, now = new Date()): string | undefined {
  if (!coupon || !coupon.active) return 'unknown or inactive code';
  if (coupon.startsAt && coupon.startsAt > now) return 'not valid yet';
  if (coupon.endsAt && coupon.endsAt <= now) return 'expired';
  return undefined;
}

/**
 * Carts for guests and customers. A guest holds their cart by its id alone (an unguessable
 * capability); a customer's cart answers to that customer only, and reads as 404 to anyone
 * else so its existence does not leak.
 */
@Injectable()
export class CartsService {
  constructor(
    private readonly carts: CartsRepository,
    private readonly coupons: CouponsRepository,
    private readonly tx: TransactionService,
    @Inject(shopConfig.KEY) private readonly config: ShopConfig,
  ) {}

  async open(viewer?: AuthUser): Promise<CartView> {
    return this.view(await this.carts.open(viewer?.id ?? null), viewer);
  }

  async view(cartId: string, viewer?: AuthUser): Promise<CartView> {
    const cart = await this.accessible(cartId, viewer);
    const items = await this.carts.lines(cart.id);
    const coupon = cart.couponCode ? await this.coupons.findByCode(cart.couponCode) : undefined;
    return {
      id: cart.id,
      status: cart.status,
      couponCode: cart.couponCode,
      currency: this.config.currency,
      items,
      totals: this.preview(items, couponProblem(coupon) ? undefined : coupon),
    };
  }

  /** Sets a line's quantity, checked against live stock (checkout checks again, atomically). */
  async setItem(
    cartId: string,
    variantId: string,
    quantity: number,
    viewer?: AuthUser,
  ): Promise<CartView> {
    await this.openCart(cartId, viewer);
    const variant = await this.carts.variantForSale(variantId);
    if (!variant || !variant.purchasable) throw new VariantNotFoundError();
    if (variant.available < quantity) throw new OutOfStockError([variant.sku]);
    await this.carts.setQuantity(cartId, variantId, quantity);
    return this.view(cartId, viewer);
  }

  async removeItem(cartId: string, variantId: string, viewer?: AuthUser): Promise<CartView> {
    await this.openCart(cartId, viewer);
    await this.carts.removeItem(cartId, variantId);
    return this.view(cartId, viewer);
  }

  async applyCoupon(cartId: string, code: string, viewer?: AuthUser): Promise<CartView> {
    await this.openCart(cartId, viewer);
    const coupon = await this.coupons.findByCode(code);
    const problem = couponProblem(coupon);
    if (problem || !coupon) throw new CouponInvalidError(problem ?? 'unknown or inactive code');
    await this.carts.setCoupon(cartId, coupon.code);
    return this.view(cartId, viewer);
  }

  async removeCoupon(cartId: string, viewer?: AuthUser): Promise<CartView> {
    await this.openCart(cartId, viewer);
    await this.carts.setCoupon(cartId, null);
    return this.view(cartId, viewer);
  }

  /** After signing in: the guest cart's lines move into the customer's open cart. */
  async merge(guestCartId: string, customer: AuthUser): Promise<CartView> {
    const target = await this.carts.open(customer.id);
    if (target === guestCartId) return this.view(target, customer);
    await this.tx.run(async ({ manager }) => {
      const guest = await this.carts.lock(manager, guestCartId);
      if (!guest || (guest.customerId !== null && guest.customerId !== customer.id)) {
        throw new CartNotFoundError();
      }
      if (guest.status !== 'open') throw new CartNotOpenError();
      await this.carts.merge(manager, guestCartId, target);
    });
    return this.view(target, customer);
  }

  /** The totals a checkout would charge now (no limits checked, nothing reserved). */
  preview(items: readonly CartLine[], coupon: CouponTerms | undefined): Totals | undefined {
    try {
      return priceCart(items, coupon, this.config);
    } catch (error) {
      if (error instanceof NotShippableError) return undefined;
      throw error;
    }
  }

  private async accessible(cartId: string, viewer?: AuthUser): Promise<CartHeader> {
    const cart = await this.carts.header(cartId);
    if (!cart || (cart.customerId !== null && cart.customerId !== viewer?.id)) {
      throw new CartNotFoundError();
    }
    return cart;
  }

  private async openCart(cartId: string, viewer?: AuthUser): Promise<CartHeader> {
    const cart = await this.accessible(cartId, viewer);
    if (cart.status !== 'open') throw new CartNotOpenError();
    return cart;
  }
}
