import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, RequirePermissions } from '@/core/auth/auth.decorators';
import { Permission, type AuthUser } from '@/core/auth/permissions';
import { ErrorBody } from '@/core/http/error-body';
import { Idempotent } from '@/core/idempotency';
import {
  CancelOrderBody,
  ListOrdersQuery,
  OrderListResponse,
  OrderResponse,
  toOrderDto,
} from './dto/order.dto';
import { OrderLifecycleService } from './order-lifecycle.service';
import { OrdersService } from './orders.service';

/** Orders of the signed-in customer; staff with `orders:manage` see everyone's. */
@ApiTags('shop')
@Controller({ path: 'shop/orders', version: '1' })
export class OrdersController {
  constructor(
    private readonly orders: OrdersService,
    private readonly lifecycle: OrderLifecycleService,
  ) {}

  @RequirePermissions(Permission.OrdersPlace)
  @Get()
  @ApiOkResponse({ type: OrderListResponse })
  async listOrders(
    @Query() query: ListOrdersQuery,
    @CurrentUser() viewer: AuthUser,
  ): Promise<OrderListResponse> {
    const { orders, total } = await this.orders.list(viewer, query);
    return { orders: orders.map(toOrderDto), ordersCount: total };
  }

  @RequirePermissions(Permission.OrdersPlace)
  @Get(':number')
  @ApiOkResponse({ type: OrderResponse })
  @ApiNotFoundResponse({ type: ErrorBody })
  async getOrder(
    @Param('number') number: string,
    @CurrentUser() viewer: AuthUser,
  ): Promise<OrderResponse> {
    return { order: toOrderDto(await this.orders.get(number, viewer)) };
  }

  /** The customer cancels their unpaid order (staff: any unpaid order); stock comes back. */
  @RequirePermissions(Permission.OrdersPlace)
  @Idempotent()
  @Post(':number/cancel')
  @HttpCode(200)
  @ApiOkResponse({ type: OrderResponse })
  @ApiNotFoundResponse({ type: ErrorBody })
  @ApiConflictResponse({ type: ErrorBody, description: 'SHOP.ILLEGAL_TRANSITION' })
  async cancelOrder(
    @Param('number') number: string,
    @Body() body: CancelOrderBody,
    @CurrentUser() actor: AuthUser,
  ): Promise<OrderResponse> {
    return { order: toOrderDto(await this.lifecycle.cancel(number, actor, body.reason)) };
  }

  /** Staff: the parcel left the warehouse. */
  @RequirePermissions(Permission.OrdersManage)
  @Idempotent()
  @Post(':number/fulfil')
  @HttpCode(200)
  @ApiOkResponse({ type: OrderResponse })
  @ApiNotFoundResponse({ type: ErrorBody })
  @ApiConflictResponse({ type: ErrorBody, description: 'SHOP.ILLEGAL_TRANSITION' })
  async fulfil(
    @Param('number') number: string,
    @CurrentUser() actor: AuthUser,
  ): Promise<OrderResponse> {
    return { order: toOrderDto(await this.lifecycle.advance(number, 'fulfilled', actor)) };
  }

  /** Staff: the parcel arrived. */
  @RequirePermissions(Permission.OrdersManage)
  @Idempotent()
  @Post(':number/deliver')
  @HttpCode(200)
  @ApiOkResponse({ type: OrderResponse })
  @ApiNotFoundResponse({ type: ErrorBody })
  @ApiConflictResponse({ type: ErrorBody, description: 'SHOP.ILLEGAL_TRANSITION' })
  async deliver(
    @Param('number') number: string,
    @CurrentUser() actor: AuthUser,
  ): Promise<OrderResponse> {
    return { order: toOrderDto(await this.lifecycle.advance(number, 'delivered', actor)) };
  }
}
