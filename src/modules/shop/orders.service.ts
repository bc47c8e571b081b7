import { Injectable } from '@nestjs/common';
import { Permission, roleHasPermissions, type AuthUser } from '@/core/auth/permissions';
import { CartsRepository } from './carts.repository';
import type { OrderStatus } from './entities/order.entity';
import { OrdersRepository, type OrderView } from './orders.repository';
import { CartNotFoundError, OrderNotFoundError } from './shop.errors';

const isStaff = (viewer: AuthUser) => roleHasPermissions(viewer.role, [Permission.OrdersManage]);

/** Reading orders: customers see theirs, staff with `orders:manage` see all, others nothing. */
@Injectable()
export class OrdersService {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly carts: CartsRepository,
  ) {}

  async get(number: string, viewer: AuthUser): Promise<OrderView> {
    const order = await this.orders.findByNumber(number);
    if (!order || (order.customerId !== viewer.id && !isStaff(viewer))) {
      throw new OrderNotFoundError();
    }
    return order;
  }

  /**
   * An order its customer acts on as the customer (paying): staff see every order, but do not
   * pay on a customer's behalf — the payment method is the customer's.
   */
  async own(number: string, customer: AuthUser): Promise<OrderView> {
    const order = await this.orders.findByNumber(number);
    if (!order || order.customerId !== customer.id) throw new OrderNotFoundError();
    return order;
  }

  /** The order a cart became; the cart's own access rule applies (a guest's id is their key). */
  async ofCart(cartId: string, viewer?: AuthUser): Promise<OrderView> {
    const cart = await this.carts.header(cartId);
    if (!cart || (cart.customerId !== null && cart.customerId !== viewer?.id)) {
      throw new CartNotFoundError();
    }
    const order = await this.orders.findByCart(cartId);
    if (!order) throw new OrderNotFoundError();
    return order;
  }

  /** An order by id, for the receipt mail (no viewer: the worker sends it to the order's email). */
  forReceipt(orderId: string): Promise<OrderView | undefined> {
    return this.orders.findById(orderId);
  }

  list(viewer: AuthUser, page: { status?: OrderStatus; limit: number; offset: number }) {
    return this.orders.list({ ...page, customerId: isStaff(viewer) ? undefined : viewer.id });
  }
}
