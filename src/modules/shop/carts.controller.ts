import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
} from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { CurrentUser, Public, RequirePermissions } from '@/core/auth/auth.decorators';
import { Permission, type AuthUser } from '@/core/auth/permissions';
import type { AuthedRequest } from '@/core/auth/request-context';
import { ErrorBody } from '@/core/http/error-body';
import { Idempotent, IdempotencyKey } from '@/core/idempotency';
import { CartsService } from './carts.service';
import { CheckoutService } from './checkout.service';
import { OrdersService } from './orders.service';
import {
  ApplyCouponBody,
  CartResponse,
  CheckoutBody,
  SetQuantityBody,
  toCartDto,
} from './dto/cart.dto';
import { OrderResponse, toOrderDto } from './dto/order.dto';

const cartId = () => new ParseUUIDPipe({ version: '4' });

/** A guest's key space is their cart (its id is their credential); a customer's is their account. */
const cartPrincipal = (req: AuthedRequest) =>
  req.user ? `user:${req.user.id}` : `cart:${String(req.params.cartId)}`;

/**
 * Before a guest has a cart they have no credential: their key space is their address. A key
 * is a random UUID in practice, so the address only keeps two clients that chose the same key
 * apart; a retry from a new address makes a second (empty, harmless) cart.
 */
const openerPrincipal = (req: AuthedRequest) =>
  req.user ? `user:${req.user.id}` : `guest-ip:${req.ip ?? 'unknown'}`;

/**
 * Carts and checkout. Guests use the cart id as a capability; a customer's cart answers to
 * them only (404 to anyone else). Reads and writes of a cart need no account.
 */
@ApiTags('shop')
@ApiNotFoundResponse({ type: ErrorBody })
@Controller({ path: 'shop/carts', version: '1' })
export class CartsController {
  constructor(
    private readonly carts: CartsService,
    private readonly checkouts: CheckoutService,
    private readonly orders: OrdersService,
  ) {}

  /** A new guest cart, or the signed-in customer's open cart. */
  @Public()
  @Idempotent({ principal: openerPrincipal })
  @Post()
  @ApiCreatedResponse({ type: CartResponse })
  async openCart(@CurrentUser() viewer?: AuthUser): Promise<CartResponse> {
    return { cart: toCartDto(await this.carts.open(viewer)) };
  }

  @Public()
  @Get(':cartId')
  @ApiOkResponse({ type: CartResponse })
  async getCart(
    @Param('cartId', cartId()) id: string,
    @CurrentUser() viewer?: AuthUser,
  ): Promise<CartResponse> {
    return { cart: toCartDto(await this.carts.view(id, viewer)) };
  }

  /** Sets the quantity of a variant in the cart (adds the line if new). */
  @Public()
  @Put(':cartId/items/:variantId')
  @ApiOkResponse({ type: CartResponse })
  @ApiConflictResponse({ type: ErrorBody, description: 'SHOP.OUT_OF_STOCK, SHOP.CART_NOT_OPEN' })
  @ApiUnprocessableEntityResponse({ type: ErrorBody })
  async setItem(
    @Param('cartId', cartId()) id: string,
    @Param('variantId', new ParseUUIDPipe()) variantId: string,
    @Body() body: SetQuantityBody,
    @CurrentUser() viewer?: AuthUser,
  ): Promise<CartResponse> {
    return { cart: toCartDto(await this.carts.setItem(id, variantId, body.quantity, viewer)) };
  }

  @Public()
  @Delete(':cartId/items/:variantId')
  @ApiOkResponse({ type: CartResponse })
  async removeItem(
    @Param('cartId', cartId()) id: string,
    @Param('variantId', new ParseUUIDPipe()) variantId: string,
    @CurrentUser() viewer?: AuthUser,
  ): Promise<CartResponse> {
    return { cart: toCartDto(await this.carts.removeItem(id, variantId, viewer)) };
  }

  @Public()
  @Put(':cartId/coupon')
  @ApiOkResponse({ type: CartResponse })
  @ApiUnprocessableEntityResponse({ type: ErrorBody, description: 'SHOP.COUPON_INVALID' })
  async applyCoupon(
    @Param('cartId', cartId()) id: string,
    @Body() body: ApplyCouponBody,
    @CurrentUser() viewer?: AuthUser,
  ): Promise<CartResponse> {
    return { cart: toCartDto(await this.carts.applyCoupon(id, body.code, viewer)) };
  }

  @Public()
  @Delete(':cartId/coupon')
  @ApiOkResponse({ type: CartResponse })
  async removeCoupon(
    @Param('cartId', cartId()) id: string,
    @CurrentUser() viewer?: AuthUser,
  ): Promise<CartResponse> {
    return { cart: toCartDto(await this.carts.removeCoupon(id, viewer)) };
  }

  /** After signing in: moves a guest cart's lines into the customer's cart. */
  @RequirePermissions(Permission.OrdersPlace)
  @Idempotent()
  @Post(':cartId/merge')
  @HttpCode(200)
  @ApiOkResponse({ type: CartResponse })
  async merge(
    @Param('cartId', cartId()) id: string,
    @CurrentUser() customer: AuthUser,
  ): Promise<CartResponse> {
    return { cart: toCartDto(await this.carts.merge(id, customer)) };
  }

  /**
   * Places the order: server-side totals, coupon, stock reserved for the hold period, all in one
   * transaction. Send an `Idempotency-Key` and retry freely: a cart becomes exactly one order.
   */
  @Public()
  @Idempotent({ principal: cartPrincipal })
  @Post(':cartId/checkout')
  @ApiCreatedResponse({ type: OrderResponse })
  @ApiConflictResponse({
    type: ErrorBody,
    description: 'SHOP.OUT_OF_STOCK, SHOP.PRICE_CHANGED, SHOP.COUPON_EXHAUSTED, SHOP.CART_NOT_OPEN',
  })
  async checkout(
    @Param('cartId', cartId()) id: string,
    @Body() body: CheckoutBody,
    @IdempotencyKey() key: string | undefined,
    @CurrentUser() viewer?: AuthUser,
  ): Promise<OrderResponse> {
    const { order } = await this.checkouts.checkout(id, body, viewer, key);
    return { order: toOrderDto(order) };
  }

  /** The order a guest cart became (the cart id stays the guest's key to it). */
  @Public()
  @Get(':cartId/order')
  @ApiOkResponse({ type: OrderResponse })
  async getCartOrder(
    @Param('cartId', cartId()) id: string,
    @CurrentUser() viewer?: AuthUser,
  ): Promise<OrderResponse> {
    return { order: toOrderDto(await this.orders.ofCart(id, viewer)) };
  }
}
