import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { RawBodyRequest } from '@nestjs/common';
import type { Request } from 'express';
import { CurrentUser, Public, RequirePermissions } from '@/core/auth/auth.decorators';
import { Permission, type AuthUser } from '@/core/auth/permissions';
import type { AuthedRequest } from '@/core/auth/request-context';
import { ErrorBody } from '@/core/http/error-body';
import { Idempotent, IdempotencyKey } from '@/core/idempotency';
import { OrderResponse, toOrderDto } from './dto/order.dto';
import { PayBody, PaymentResponse, RefundBody, toPaymentDto, WebhookAck } from './dto/payment.dto';
import { OrdersService } from './orders.service';
import { PaymentsService } from './payments.service';

const guestPrincipal = (req: AuthedRequest) =>
  req.user ? `user:${req.user.id}` : `cart:${String(req.params.cartId)}`;

/**
 * Paying and refunding. The result of a payment is never taken from the client: the order
 * becomes paid when the provider's signed webhook says so.
 */
@ApiTags('shop')
@ApiNotFoundResponse({ type: ErrorBody })
@Controller({ path: 'shop', version: '1' })
export class PaymentsController {
  constructor(
    private readonly payments: PaymentsService,
    private readonly orders: OrdersService,
  ) {}

  /** Starts paying the customer's unpaid order (a pending payment is returned, not doubled). */
  @RequirePermissions(Permission.OrdersPlace)
  @Idempotent({ required: true })
  @Post('orders/:number/payments')
  @ApiCreatedResponse({ type: PaymentResponse })
  @ApiConflictResponse({ type: ErrorBody, description: 'SHOP.ORDER_NOT_PAYABLE' })
  async payOrder(
    @Param('number') number: string,
    @Body() body: PayBody,
    @CurrentUser() customer: AuthUser,
  ): Promise<PaymentResponse> {
    const order = await this.orders.own(number, customer);
    return { payment: toPaymentDto(await this.payments.pay(order, body.paymentMethod)) };
  }

  /** The same for a guest, whose cart id is their key to the order. */
  @Public()
  @Idempotent({ required: true, principal: guestPrincipal })
  @Post('carts/:cartId/order/payments')
  @ApiCreatedResponse({ type: PaymentResponse })
  @ApiConflictResponse({ type: ErrorBody, description: 'SHOP.ORDER_NOT_PAYABLE' })
  async payAsGuest(
    @Param('cartId', new ParseUUIDPipe({ version: '4' })) cartId: string,
    @Body() body: PayBody,
    @CurrentUser() viewer?: AuthUser,
  ): Promise<PaymentResponse> {
    const order = await this.orders.ofCart(cartId, viewer);
    return { payment: toPaymentDto(await this.payments.pay(order, body.paymentMethod)) };
  }

  /** Staff: refunds part or all of the captured amount (never more, also by a DB check). */
  @RequirePermissions(Permission.OrdersManage)
  @Idempotent({ required: true })
  @Post('orders/:number/refunds')
  @ApiCreatedResponse({ type: OrderResponse })
  @ApiConflictResponse({ type: ErrorBody, description: 'SHOP.ILLEGAL_TRANSITION' })
  async refundOrder(
    @Param('number') number: string,
    @Body() body: RefundBody,
    @IdempotencyKey() key: string,
    @CurrentUser() actor: AuthUser,
  ): Promise<OrderResponse> {
    const order = await this.orders.get(number, actor);
    await this.payments.refund(order, body.amount, body.reason, actor.id, key);
    return { order: toOrderDto(await this.orders.get(number, actor)) };
  }

  /**
   * The provider's webhook (`fake` or `stripe`): the signature (`Stoa-Signature` or
   * `Stripe-Signature`: `t=…,v1=…`, HMAC-SHA256 over
   * timestamp + raw body) is checked on the raw bytes first; the event is stored once and
   * processed by the worker. Answers 200 quickly, also for a duplicate.
   */
  @Public()
  @Post('webhooks/:provider')
  @HttpCode(200)
  @ApiOkResponse({ type: WebhookAck })
  @ApiBadRequestResponse({ type: ErrorBody, description: 'SHOP.WEBHOOK_SIGNATURE_INVALID' })
  async receiveWebhook(
    @Param('provider') provider: string,
    @Req() req: RawBodyRequest<Request>,
  ): Promise<WebhookAck> {
    const { duplicate } = await this.payments.receive(provider, req.rawBody, req.headers);
    return { received: true, duplicate };
  }
}
