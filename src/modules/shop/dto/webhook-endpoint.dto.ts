import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsUrl,
  MaxLength,
} from 'class-validator';
import { ShopEvent } from '../shop.events';

const EVENTS = Object.values(ShopEvent);

export class CreateWebhookEndpointBody {
  @ApiProperty({ example: 'https://erp.example.com/hooks/stoa' })
  @IsUrl({ protocols: ['https', 'http'], require_protocol: true, require_tld: false })
  @MaxLength(2000)
  url: string;

  @ApiProperty({ enum: EVENTS, isArray: true, example: [ShopEvent.OrderPaid] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(EVENTS.length)
  @ArrayUnique()
  @IsIn(EVENTS, { each: true })
  events: ShopEvent[];
}

export class WebhookEndpointDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() url: string;
  @ApiProperty({ enum: EVENTS, isArray: true }) events: string[];
  @ApiProperty() active: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  /** Only in the answer that created the endpoint: verify our `Stoa-Signature` with it. */
  @ApiPropertyOptional() secret?: string;
}

export class WebhookEndpointResponse {
  @ApiProperty({ type: WebhookEndpointDto }) endpoint: WebhookEndpointDto;
}

export class WebhookEndpointListResponse {
  @ApiProperty({ type: [WebhookEndpointDto] }) endpoints: WebhookEndpointDto[];
}

export class WebhookDeliveryDto {
  @ApiProperty() id: string;
  @ApiProperty({ description: 'Event id, also the body `id`' }) eventKey: string;
  @ApiProperty({ enum: EVENTS }) topic: string;
  @ApiProperty({ enum: ['pending', 'delivered', 'failed'] }) status: string;
  @ApiProperty() attempts: number;
  @ApiProperty({ type: Number, nullable: true }) lastStatusCode: number | null;
  @ApiProperty({ type: String, nullable: true }) lastError: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deliveredAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class WebhookDeliveryListResponse {
  @ApiProperty({ type: [WebhookDeliveryDto] }) deliveries: WebhookDeliveryDto[];
}
