import { DomainError, ErrorKind } from '@/core/http/domain-error';

/** Errors of the shop. Codes are part of the API contract (`SHOP.*`). */
export class ProductNotFoundError extends DomainError {
  constructor() {
    super('SHOP.PRODUCT_NOT_FOUND', 'product not found', ErrorKind.NotFound, {
      product: ['not found'],
    });
  }
}

export class VariantNotFoundError extends DomainError {
  constructor(field = 'variantId') {
    super('SHOP.VARIANT_NOT_FOUND', 'no such variant for sale', ErrorKind.NotFound, {
      [field]: ['no such variant for sale'],
    });
  }
}

export class OutOfStockError extends DomainError {
  constructor(readonly skus: readonly string[]) {
    super(
      'SHOP.OUT_OF_STOCK',
      `not enough stock for ${skus.join(', ')}`,
      ErrorKind.Conflict,
      Object.fromEntries(skus.map((sku) => [sku, ['not enough stock']])),
    );
  }
}

export class CartNotFoundError extends DomainError {
  constructor() {
    super('SHOP.CART_NOT_FOUND', 'cart not found', ErrorKind.NotFound, { cart: ['not found'] });
  }
}

export class CartNotOpenError extends DomainError {
  constructor() {
    super('SHOP.CART_NOT_OPEN', 'this cart was already checked out', ErrorKind.Conflict, {
      cart: ['already checked out'],
    });
  }
}

export class EmptyCartError extends DomainError {
  constructor() {
    super('SHOP.CART_EMPTY', 'the cart is empty', ErrorKind.Validation, { cart: ['is empty'] });
  }
}

export class PriceChangedError extends DomainError {
  constructor(skus: readonly string[]) {
    super(
      'SHOP.PRICE_CHANGED',
      'prices changed since you saw them; review the cart and check out again',
      ErrorKind.Conflict,
      Object.fromEntries(skus.map((sku) => [sku, ['price changed']])),
    );
  }
}

export class CurrencyMismatchError extends DomainError {
  constructor(expected: string) {
    super('SHOP.CURRENCY_MISMATCH', `this store sells in ${expected}`, ErrorKind.Validation, {
      currency: [`must be ${expected}`],
    });
  }
}

export class NotShippableError extends DomainError {
  constructor() {
    super(
      'SHOP.NOT_SHIPPABLE',
      'the parcel is heavier than any shipping rate',
      ErrorKind.Validation,
      {
        cart: ['too heavy to ship'],
      },
    );
  }
}

export class CouponInvalidError extends DomainError {
  constructor(reason: string) {
    super('SHOP.COUPON_INVALID', `coupon cannot be used: ${reason}`, ErrorKind.Validation, {
      couponCode: [reason],
    });
  }
}

export class CouponExhaustedError extends DomainError {
  constructor(reason: string) {
    super('SHOP.COUPON_EXHAUSTED', `coupon cannot be used: ${reason}`, ErrorKind.Conflict, {
      couponCode: [reason],
    });
  }
}

export class OrderNotFoundError extends DomainError {
  constructor() {
    super('SHOP.ORDER_NOT_FOUND', 'order not found', ErrorKind.NotFound, { order: ['not found'] });
  }
}

export class IllegalTransitionError extends DomainError {
  constructor(from: string, to: string) {
    super(
      'SHOP.ILLEGAL_TRANSITION',
      `an order cannot go from ${from} to ${to}`,
      ErrorKind.Conflict,
      { status: [`cannot go from ${from} to ${to}`] },
    );
  }
}

export class InsufficientStockAdjustmentError extends DomainError {
  constructor() {
    super(
      'SHOP.STOCK_BELOW_RESERVED',
      'on-hand stock cannot go below zero or below what is reserved',
      ErrorKind.Conflict,
      { delta: ['would leave less on hand than is reserved'] },
    );
  }
}
