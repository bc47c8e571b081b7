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

export class CouponCodeTakenError extends DomainError {
  constructor() {
    super('SHOP.COUPON_CODE_TAKEN', 'another coupon already uses this code', ErrorKind.Conflict, {
      code: ['has already been taken'],
    });
  }
}

export class CouponNotFoundError extends DomainError {
  constructor() {
    super('SHOP.COUPON_NOT_FOUND', 'coupon not found', ErrorKind.NotFound, {
      coupon: ['not found'],
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

export class RefundKeyReusedError extends DomainError {
  constructor(earlierMinor: number) {
    super(
      'SHOP.REFUND_KEY_REUSED',
      'this idempotency key already refunded another amount',
      ErrorKind.Validation,
      { idempotencyKey: [`already used for a refund of ${earlierMinor}`] },
    );
  }
}

export class StockLimitError extends DomainError {
  constructor(max: number) {
    super('SHOP.STOCK_LIMIT', `on-hand stock cannot exceed ${max}`, ErrorKind.Validation, {
      delta: [`would take on-hand stock past ${max}`],
    });
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

// ---------------------------------------------------------------- catalog

/** A unique slug (product, category or collection) that another row already uses. */
export class SlugTakenError extends DomainError {
  constructor(what: 'product' | 'category' | 'collection') {
    super('SHOP.SLUG_TAKEN', `another ${what} already uses this slug`, ErrorKind.Conflict, {
      slug: ['has already been taken'],
    });
  }
}

export class SkuTakenError extends DomainError {
  constructor(sku?: string) {
    super(
      'SHOP.SKU_TAKEN',
      sku ? `SKU ${sku} is already in use` : 'SKU already in use',
      ErrorKind.Conflict,
      { sku: [sku ? `${sku} has already been taken` : 'has already been taken'] },
    );
  }
}

/** Two variants of one product with the same option values could not be told apart. */
export class DuplicateVariantOptionsError extends DomainError {
  constructor() {
    super(
      'SHOP.DUPLICATE_OPTIONS',
      'another variant of this product has the same option values',
      ErrorKind.Conflict,
      { options: ['another variant of this product has the same option values'] },
    );
  }
}

export class CategoryNotFoundError extends DomainError {
  constructor() {
    super('SHOP.CATEGORY_NOT_FOUND', 'category not found', ErrorKind.NotFound, {
      category: ['not found'],
    });
  }
}

/** A write names a category (or parent) that does not exist: the input is wrong, not the URL. */
export class UnknownCategoryError extends DomainError {
  constructor(field = 'category') {
    super('SHOP.UNKNOWN_CATEGORY', 'no such category', ErrorKind.Validation, {
      [field]: ['no such category'],
    });
  }
}

export class CategoryCycleError extends DomainError {
  constructor() {
    super(
      'SHOP.CATEGORY_CYCLE',
      'a category cannot move below itself or its own descendants',
      ErrorKind.Validation,
      { parent: ['is this category or one of its descendants'] },
    );
  }
}

export class CategoryHasChildrenError extends DomainError {
  constructor() {
    super(
      'SHOP.CATEGORY_HAS_CHILDREN',
      'move or delete the subcategories first',
      ErrorKind.Conflict,
      { category: ['has subcategories'] },
    );
  }
}

export class CollectionNotFoundError extends DomainError {
  constructor() {
    super('SHOP.COLLECTION_NOT_FOUND', 'collection not found', ErrorKind.NotFound, {
      collection: ['not found'],
    });
  }
}

/** An active product must have something to sell. */
export class ProductWithoutVariantsError extends DomainError {
  constructor() {
    super(
      'SHOP.PRODUCT_WITHOUT_VARIANTS',
      'an active product needs at least one variant',
      ErrorKind.Conflict,
      { variants: ['an active product needs at least one variant'] },
    );
  }
}

/** Ordered variants stay for the order history; archive the product instead. */
export class VariantInUseError extends DomainError {
  constructor() {
    super(
      'SHOP.VARIANT_IN_USE',
      'this variant appears in orders; archive the product instead',
      ErrorKind.Conflict,
      { sku: ['appears in orders'] },
    );
  }
}

export class StaleProductError extends DomainError {
  constructor() {
    super(
      'SHOP.STALE_PRODUCT',
      'the product changed since you loaded it; reload and reapply your edit',
      ErrorKind.PreconditionFailed,
      { product: ['was changed by someone else'] },
    );
  }
}

export class WebhookSignatureError extends DomainError {
  constructor(problem: string) {
    super(
      'SHOP.WEBHOOK_SIGNATURE_INVALID',
      `webhook refused: signature ${problem}`,
      ErrorKind.BadRequest,
      { signature: [problem] },
    );
  }
}

export class UnknownPaymentMethodError extends DomainError {
  constructor(known: readonly string[]) {
    super('SHOP.PAYMENT_METHOD_UNKNOWN', 'no such payment method', ErrorKind.Validation, {
      paymentMethod: [`must be one of ${known.join(', ')}`],
    });
  }
}

/** The provider refused the request for what it carried (its message is passed on). */
export class PaymentRefusedError extends DomainError {
  constructor(field: string, message: string, kind = ErrorKind.Validation) {
    super('SHOP.PAYMENT_REFUSED', `the payment provider refused: ${message}`, kind, {
      [field]: [message],
    });
  }
}

export class NothingToPayError extends DomainError {
  constructor() {
    super(
      'SHOP.NOTHING_TO_PAY',
      'this order totals zero: there is nothing to pay',
      ErrorKind.Conflict,
      {
        order: ['totals zero'],
      },
    );
  }
}

export class PaymentProviderUnavailableError extends DomainError {
  constructor(provider: string) {
    super(
      'SHOP.PAYMENT_PROVIDER_UNAVAILABLE',
      `the payment provider (${provider}) cannot be reached; try again`,
      ErrorKind.Unavailable,
    );
  }
}

export class UnknownProviderError extends DomainError {
  constructor() {
    super('SHOP.UNKNOWN_PROVIDER', 'no such payment provider', ErrorKind.NotFound, {
      provider: ['not configured'],
    });
  }
}

export class OrderNotPayableError extends DomainError {
  constructor(status: string) {
    super(
      'SHOP.ORDER_NOT_PAYABLE',
      `an order that is ${status} cannot be paid`,
      ErrorKind.Conflict,
      {
        status: [`is ${status}`],
      },
    );
  }
}

export class RefundExceedsCaptureError extends DomainError {
  constructor(refundable: number) {
    super(
      'SHOP.REFUND_EXCEEDS_CAPTURED',
      `at most ${refundable} (minor units) can still be refunded`,
      ErrorKind.Validation,
      { amount: [`must be at most ${refundable}`] },
    );
  }
}

export class WebhookEndpointNotFoundError extends DomainError {
  constructor() {
    super('SHOP.WEBHOOK_ENDPOINT_NOT_FOUND', 'webhook endpoint not found', ErrorKind.NotFound, {
      endpoint: ['not found'],
    });
  }
}
