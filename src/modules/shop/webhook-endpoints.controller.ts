import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { RequirePermissions } from '@/core/auth/auth.decorators';
import { Permission } from '@/core/auth/permissions';
import { ErrorBody } from '@/core/http/error-body';
import { Idempotent } from '@/core/idempotency';
import { OffsetPaginationQuery } from '@/core/http/pagination.dto';
import {
  CreateWebhookEndpointBody,
  WebhookDeliveryListResponse,
  WebhookEndpointListResponse,
  WebhookEndpointResponse,
} from './dto/webhook-endpoint.dto';
import { OutboundWebhooksService } from './outbound-webhooks.service';

/** Staff: subscribe systems (ERP, warehouse, analytics) to shop events, and read the log. */
@ApiTags('shop')
@RequirePermissions(Permission.OrdersManage)
@Controller({ path: 'shop/webhook-endpoints', version: '1' })
export class WebhookEndpointsController {
  constructor(private readonly webhooks: OutboundWebhooksService) {}

  @Idempotent()
  @Post()
  @ApiCreatedResponse({ type: WebhookEndpointResponse })
  async createWebhookEndpoint(
    @Body() body: CreateWebhookEndpointBody,
  ): Promise<WebhookEndpointResponse> {
    return { endpoint: await this.webhooks.createEndpoint(body) };
  }

  @Get()
  @ApiOkResponse({ type: WebhookEndpointListResponse })
  async listWebhookEndpoints(): Promise<WebhookEndpointListResponse> {
    return { endpoints: await this.webhooks.listEndpoints() };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorBody })
  async deleteWebhookEndpoint(@Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.webhooks.deleteEndpoint(id);
  }

  /** Every event sent to the endpoint, newest first, with its latest attempt. */
  @Get(':id/deliveries')
  @ApiOkResponse({ type: WebhookDeliveryListResponse })
  @ApiNotFoundResponse({ type: ErrorBody })
  async listWebhookDeliveries(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() page: OffsetPaginationQuery,
  ): Promise<WebhookDeliveryListResponse> {
    return { deliveries: await this.webhooks.deliveries(id, page) };
  }
}
