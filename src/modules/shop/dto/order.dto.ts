import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { OffsetPaginationQuery } from '@/core/http/pagination.dto';
import type { OrderView } from '../orders.repository';
import { TotalsDto, ShippingAddressDto, toTotalsDto } from './cart.dto';
import { money, MoneyDto } from './money.dto';

const STATUSES = [
  'pending_payment',
  'paid',
  'fulfilled',
  'delivered',
  'cancelled',
  'refunded',
  'partially_refunded',
] as const;

export class OrderLineDto {
  @ApiProperty({ format: 'uuid' }) variantId: string;
  @ApiProperty() sku: string;
  @ApiProperty() title: string;
  @ApiProperty({ type: MoneyDto }) unitPrice: MoneyDto;
  @ApiProperty() quantity: number;
  @ApiProperty({ type: MoneyDto }) discount: MoneyDto;
  @ApiProperty({ type: MoneyDto }) total: MoneyDto;
}

export class OrderHistoryDto {
  @ApiProperty({ enum: STATUSES, nullable: true, type: String }) from: string | null;
  @ApiProperty({ enum: STATUSES }) to: string;
  @ApiProperty({ type: String, nullable: true }) note: string | null;
  @ApiProperty({ format: 'date-time' }) at: string;
}

export class OrderDto {
  @ApiProperty({ example: 'SO-7K2M9QH4XW3D' }) number: string;
  @ApiProperty({ enum: STATUSES }) status: string;
  @ApiProperty() email: string;
  @ApiProperty({ type: TotalsDto }) totals: TotalsDto;
  @ApiProperty({ type: MoneyDto }) captured: MoneyDto;
  @ApiProperty({ type: MoneyDto }) refunded: MoneyDto;
  @ApiProperty({ type: String, nullable: true }) couponCode: string | null;
  @ApiProperty({ type: ShippingAddressDto }) shippingAddress: ShippingAddressDto;
  /** Until when the stock is held for an unpaid order. */
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  reservedUntil: string | null;
  @ApiProperty({ type: [OrderLineDto] }) lines: OrderLineDto[];
  @ApiProperty({ type: [OrderHistoryDto] }) history: OrderHistoryDto[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class OrderResponse {
  @ApiProperty({ type: OrderDto }) order: OrderDto;
}

export class OrderListResponse {
  @ApiProperty({ type: [OrderDto] }) orders: OrderDto[];
  @ApiProperty() ordersCount: number;
}

export class ListOrdersQuery extends OffsetPaginationQuery {
  @ApiProperty({ enum: STATUSES, required: false })
  @IsOptional()
  @IsIn(STATUSES)
  status?: (typeof STATUSES)[number];
}

export class CancelOrderBody {
  @ApiProperty({ required: false, example: 'ordered the wrong size' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export function toOrderDto(o: OrderView): OrderDto {
  const c = o.currency;
  return {
    number: o.number,
    status: o.status,
    email: o.email,
    totals: toTotalsDto(o, c),
    captured: money(o.capturedMinor, c),
    refunded: money(o.refundedMinor, c),
    couponCode: o.couponCode,
    shippingAddress: o.shippingAddress,
    reservedUntil: o.reservedUntil,
    lines: o.lines.map((l) => ({
      variantId: l.variantId,
      sku: l.sku,
      title: l.title,
      unitPrice: money(l.unitPriceMinor, c),
      quantity: l.quantity,
      discount: money(l.discountMinor, c),
      total: money(l.totalMinor, c),
    })),
    history: o.history,
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
  };
}
