import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentUser, Public, RequirePermissions } from '@/core/auth/auth.decorators';
import { Permission, type AuthUser } from '@/core/auth/permissions';
import { CartsService, type CartView } from './carts.service';
import { CheckoutService } from './checkout.service';
import { toCartDto } from './dto/cart.dto';
import { toOrderDto } from './dto/order.dto';
import {
  CartItemArgs,
  CartModel,
  CheckoutArgs,
  OrderModel,
  OrderPageModel,
  OrdersArgs,
  PayArgs,
  PaymentModel,
  SetCartItemArgs,
} from './dto/order.model';
import { toPaymentDto } from './dto/payment.dto';
import { OrdersService } from './orders.service';
import { PaymentsService } from './payments.service';

/** REST's cart shape with options as name/value pairs (GraphQL has no map type). */
function toCartModel(cart: CartView): CartModel {
  const dto = toCartDto(cart);
  return {
    ...dto,
    items: dto.items.map((i) => ({
      ...i,
      options: Object.entries(i.options).map(([name, value]) => ({ name, value })),
    })),
  };
}

/**
 * Cart, checkout, orders and payment over GraphQL, through the same services as REST (same
 * rules, errors and numbers). Retries: `checkout(idempotencyKey)` finds the order a cart already
 * became; `pay` returns a pending payment instead of creating a second one.
 */
@Resolver(() => OrderModel)
export class ShopOrdersResolver {
  constructor(
    private readonly carts: CartsService,
    private readonly checkouts: CheckoutService,
    private readonly orders: OrdersService,
    private readonly payments: PaymentsService,
  ) {}

  @Public()
  @Mutation(() => CartModel, { description: "A new guest cart, or the customer's open cart" })
  async openCart(@CurrentUser() viewer?: AuthUser): Promise<CartModel> {
    return toCartModel(await this.carts.open(viewer));
  }

  @Public()
  @Query(() => CartModel)
  async cart(
    @Args('id', { type: () => ID }) id: string,
    @CurrentUser() viewer?: AuthUser,
  ): Promise<CartModel> {
    return toCartModel(await this.carts.view(id, viewer));
  }

  @Public()
  @Mutation(() => CartModel)
  async setCartItem(
    @Args() args: SetCartItemArgs,
    @CurrentUser() viewer?: AuthUser,
  ): Promise<CartModel> {
    return toCartModel(
      await this.carts.setItem(args.cartId, args.variantId, args.quantity, viewer),
    );
  }

  @Public()
  @Mutation(() => CartModel)
  async removeCartItem(
    @Args() args: CartItemArgs,
    @CurrentUser() viewer?: AuthUser,
  ): Promise<CartModel> {
    return toCartModel(await this.carts.removeItem(args.cartId, args.variantId, viewer));
  }

  @Public()
  @Mutation(() => CartModel)
  async applyCoupon(
    @Args('cartId', { type: () => ID }) cartId: string,
    @Args('code') code: string,
    @CurrentUser() viewer?: AuthUser,
  ): Promise<CartModel> {
    return toCartModel(await this.carts.applyCoupon(cartId, code, viewer));
  }

  @Public()
  @Mutation(() => OrderModel)
  async checkout(
    @Args() args: CheckoutArgs,
    @CurrentUser() viewer?: AuthUser,
  ): Promise<OrderModel> {
    const { order } = await this.checkouts.checkout(
      args.cartId,
      args.input,
      viewer,
      args.idempotencyKey,
    );
    return toOrderDto(order);
  }

  @RequirePermissions(Permission.OrdersPlace)
  @Query(() => OrderPageModel)
  async myOrders(
    @Args() page: OrdersArgs,
    @CurrentUser() viewer: AuthUser,
  ): Promise<OrderPageModel> {
    const { orders, total } = await this.orders.list(viewer, page);
    return { orders: orders.map(toOrderDto), ordersCount: total };
  }

  @RequirePermissions(Permission.OrdersPlace)
  @Query(() => OrderModel)
  async order(
    @Args('number') number: string,
    @CurrentUser() viewer: AuthUser,
  ): Promise<OrderModel> {
    return toOrderDto(await this.orders.get(number, viewer));
  }

  @RequirePermissions(Permission.OrdersPlace)
  @Mutation(() => PaymentModel)
  async payOrder(@Args() args: PayArgs, @CurrentUser() viewer: AuthUser): Promise<PaymentModel> {
    const order = await this.orders.get(args.number, viewer);
    return toPaymentDto(await this.payments.pay(order, args.paymentMethod));
  }
}
