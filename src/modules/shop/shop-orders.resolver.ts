import { ParseUUIDPipe } from '@nestjs/common';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentUser, Public, RequirePermissions } from '@/core/auth/auth.decorators';
import { Permission, type AuthUser } from '@/core/auth/permissions';
import { CartsService, type CartView } from './carts.service';
import { CheckoutService } from './checkout.service';
import { toCartDto } from './dto/cart.dto';
import { toOrderDto } from './dto/order.dto';
import {
  ApplyCouponArgs,
  CancelOrderArgs,
  CartItemArgs,
  CartModel,
  CheckoutArgs,
  OrderModel,
  OrderPageModel,
  OrderNumberArgs,
  OrdersArgs,
  PayArgs,
  PaymentModel,
  RefundArgs,
  SetCartItemArgs,
} from './dto/order.model';
import { OrderLifecycleService } from './order-lifecycle.service';
import { toPaymentDto } from './dto/payment.dto';
import { OrdersService } from './orders.service';
import { PaymentsService } from './payments.service';

const uuidV4 = () => new ParseUUIDPipe({ version: '4' });

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
    private readonly lifecycle: OrderLifecycleService,
  ) {}

  @Public()
  @Mutation(() => CartModel, { description: "A new guest cart, or the customer's open cart" })
  async openCart(@CurrentUser() viewer?: AuthUser): Promise<CartModel> {
    return toCartModel(await this.carts.open(viewer));
  }

  @Public()
  @Query(() => CartModel)
  async cart(
    @Args('id', { type: () => ID }, uuidV4()) id: string,
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
    @Args() args: ApplyCouponArgs,
    @CurrentUser() viewer?: AuthUser,
  ): Promise<CartModel> {
    return toCartModel(await this.carts.applyCoupon(args.cartId, args.code, viewer));
  }

  @Public()
  @Mutation(() => CartModel)
  async removeCoupon(
    @Args('cartId', { type: () => ID }, uuidV4()) cartId: string,
    @CurrentUser() viewer?: AuthUser,
  ): Promise<CartModel> {
    return toCartModel(await this.carts.removeCoupon(cartId, viewer));
  }

  @RequirePermissions(Permission.OrdersPlace)
  @Mutation(() => CartModel, { description: "Moves a guest cart's lines into the customer's cart" })
  async mergeCart(
    @Args('guestCartId', { type: () => ID }, uuidV4())
    guestCartId: string,
    @CurrentUser() customer: AuthUser,
  ): Promise<CartModel> {
    return toCartModel(await this.carts.merge(guestCartId, customer));
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
    const order = await this.orders.own(args.number, viewer);
    return toPaymentDto(await this.payments.pay(order, args.paymentMethod));
  }

  @RequirePermissions(Permission.OrdersPlace)
  @Mutation(() => OrderModel, { description: 'The customer (or staff) cancels an unpaid order' })
  async cancelOrder(
    @Args() args: CancelOrderArgs,
    @CurrentUser() actor: AuthUser,
  ): Promise<OrderModel> {
    return toOrderDto(await this.lifecycle.cancel(args.number, actor, args.reason));
  }

  @RequirePermissions(Permission.OrdersManage)
  @Mutation(() => OrderModel, { description: 'Staff: the parcel left the warehouse' })
  async fulfilOrder(
    @Args() args: OrderNumberArgs,
    @CurrentUser() actor: AuthUser,
  ): Promise<OrderModel> {
    return toOrderDto(await this.lifecycle.advance(args.number, 'fulfilled', actor));
  }

  @RequirePermissions(Permission.OrdersManage)
  @Mutation(() => OrderModel, { description: 'Staff: the parcel arrived' })
  async deliverOrder(
    @Args() args: OrderNumberArgs,
    @CurrentUser() actor: AuthUser,
  ): Promise<OrderModel> {
    return toOrderDto(await this.lifecycle.advance(args.number, 'delivered', actor));
  }

  @RequirePermissions(Permission.OrdersManage)
  @Mutation(() => OrderModel, { description: 'Staff: refunds part or all of the captured amount' })
  async refundOrder(@Args() args: RefundArgs, @CurrentUser() actor: AuthUser): Promise<OrderModel> {
    const order = await this.orders.get(args.number, actor);
    await this.payments.refund(order, args.amount, args.reason, actor.id, args.idempotencyKey);
    return toOrderDto(await this.orders.get(args.number, actor));
  }
}
