import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { Permission, roleHasPermissions, type AuthUser } from '@/core/auth/permissions';
import { TransactionService } from '@/core/database/transaction.service';
import { QueueName, ShopJob, type ShopJobPayloads } from '@/core/queue/queue.constants';
import { CatalogService } from './catalog.service';
import { CouponsRepository } from './coupons.repository';
import { InventoryRepository } from './inventory.repository';
import { allowedFrom } from './order-status';
import { OrdersRepository, type OrderView } from './orders.repository';
import { IllegalTransitionError, OrderNotFoundError } from './shop.errors';

/**
 * Status changes of orders after checkout: cancellation (by the customer, staff, or the end of
 * the stock hold), fulfilment and delivery. Each is one transaction: the guarded transition
 * (order-status.ts) and its effects on stock and coupons commit together or not at all.
 */
@Injectable()
export class OrderLifecycleService {
  constructor(
    private readonly orders: OrdersRepository,
    private readonly inventory: InventoryRepository,
    private readonly coupons: CouponsRepository,
    private readonly tx: TransactionService,
    private readonly catalog: CatalogService,
    @InjectQueue(QueueName.Shop)
    private readonly queue: Queue<ShopJobPayloads[ShopJob], void, ShopJob>,
  ) {}

  /**
   * Schedules the end of an order's stock hold. The job id is the order's, so a retry adds
   * nothing; a sweep in the worker catches holds whose job was lost.
   */
  async scheduleHoldExpiry(order: Pick<OrderView, 'id' | 'reservedUntil'>): Promise<void> {
    if (!order.reservedUntil) return;
    const payload: ShopJobPayloads[ShopJob.ExpireHold] = { orderId: order.id };
    await this.queue.add(ShopJob.ExpireHold, payload, {
      jobId: `expire-hold-${order.id}`,
      delay: Math.max(0, new Date(order.reservedUntil).getTime() - Date.now()),
    });
  }

  /** Cancels an unpaid order whose hold has run out; `false` if it was paid or is not due. */
  async expireHold(orderId: string): Promise<boolean> {
    return this.tx.run(async ({ manager, afterCommit }) => {
      const order = await this.orders.findById(orderId, manager);
      if (!order || order.status !== 'pending_payment') return false;
      if (!order.reservedUntil || new Date(order.reservedUntil).getTime() > Date.now()) {
        return false;
      }
      const cancelled = await this.cancelIn(manager, order, null, 'stock hold expired');
      if (cancelled) afterCommit(() => this.stockBack(order));
      return cancelled;
    });
  }

  /** Expires every overdue hold (the worker's sweep); returns how many. */
  async expireAllDue(limit = 500): Promise<number> {
    let expired = 0;
    for (const id of await this.orders.expiredHolds(limit)) {
      if (await this.expireHold(id)) expired += 1;
    }
    return expired;
  }

  /** The customer (their own unpaid order) or staff cancel; stock and coupon use come back. */
  async cancel(number: string, actor: AuthUser, reason?: string): Promise<OrderView> {
    const order = await this.visible(number, actor);
    await this.tx.run(async ({ manager, afterCommit }) => {
      if (!(await this.cancelIn(manager, order, actor.id, reason ?? 'cancelled'))) {
        const current = await this.orders.findById(order.id, manager);
        throw new IllegalTransitionError(current?.status ?? order.status, 'cancelled');
      }
      afterCommit(() => this.stockBack(order));
    });
    return this.reload(order.id);
  }

  /** Staff: shipped, then delivered. */
  async advance(
    number: string,
    to: 'fulfilled' | 'delivered',
    actor: AuthUser,
  ): Promise<OrderView> {
    const order = await this.visible(number, actor);
    await this.tx.run(async ({ manager }) => {
      const moved = await this.orders.transition(manager, {
        orderId: order.id,
        to,
        from: allowedFrom(to),
        actorId: actor.id,
      });
      if (!moved.ok) throw new IllegalTransitionError(moved.current ?? order.status, to);
    });
    return this.reload(order.id);
  }

  private async cancelIn(
    manager: Parameters<OrdersRepository['transition']>[0],
    order: OrderView,
    actorId: string | null,
    note: string,
  ): Promise<boolean> {
    const moved = await this.orders.transition(manager, {
      orderId: order.id,
      to: 'cancelled',
      from: allowedFrom('cancelled'),
      actorId,
      note,
      endHold: true,
    });
    if (!moved.ok) return false;
    const short = await this.inventory.release(manager, order.id, order.lines);
    if (short.length) throw new Error(`order ${order.id}: hold larger than the reserved stock`);
    if (order.couponId) await this.coupons.giveBack(manager, order.couponId);
    return true;
  }

  /** Released stock is available again: product pages show it on the next read. */
  private stockBack(order: OrderView): Promise<void> {
    return this.catalog.stockChanged(order.lines.map((l) => l.variantId));
  }

  private async visible(number: string, actor: AuthUser): Promise<OrderView> {
    const order = await this.orders.findByNumber(number);
    const staff = roleHasPermissions(actor.role, [Permission.OrdersManage]);
    if (!order || (order.customerId !== actor.id && !staff)) throw new OrderNotFoundError();
    return order;
  }

  private async reload(id: string): Promise<OrderView> {
    const order = await this.orders.findById(id);
    if (!order) throw new OrderNotFoundError();
    return order;
  }
}
