import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsEmail,
  IsInt,
  IsISO31661Alpha2,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import type { CartView } from '../carts.service';
import type { Totals } from '../pricing';
import { money, MoneyDto } from './money.dto';

export class SetQuantityBody {
  @ApiProperty({ minimum: 1, maximum: 999 })
  @IsInt()
  @Min(1)
  @Max(999)
  quantity: number;
}

export class ApplyCouponBody {
  @ApiProperty({ example: 'WELCOME10' })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'must be 1–64 letters, digits, - or _' })
  code: string;
}

export class ShippingAddressDto {
  @ApiProperty() @IsString() @Matches(/\S/) @MaxLength(200) name: string;
  @ApiProperty() @IsString() @Matches(/\S/) @MaxLength(200) line1: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) line2?: string;
  @ApiProperty() @IsString() @Matches(/\S/) @MaxLength(100) city: string;
  @ApiProperty() @IsString() @Matches(/^[A-Za-z0-9 -]{2,12}$/) postalCode: string;
  @ApiProperty({ example: 'DE', description: 'ISO 3166-1 alpha-2' })
  @IsISO31661Alpha2()
  country: string;
}

export class CheckoutBody {
  /** Required for guests; customers default to their account email. */
  @ApiPropertyOptional({ format: 'email' })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string;

  // ValidateNested alone lets a missing object through (class-validator skips `undefined`).
  @ApiProperty({ type: ShippingAddressDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => ShippingAddressDto)
  shippingAddress: ShippingAddressDto;

  /** The total the customer agreed to; checkout fails with 409 if the server's differs. */
  @ApiPropertyOptional({ type: MoneyDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => MoneyDto)
  expectedTotal?: MoneyDto;
}

export class TotalsDto {
  @ApiProperty({ type: MoneyDto }) subtotal: MoneyDto;
  @ApiProperty({ type: MoneyDto }) discount: MoneyDto;
  @ApiProperty({ type: MoneyDto }) shipping: MoneyDto;
  @ApiProperty({ type: MoneyDto }) tax: MoneyDto;
  @ApiProperty({ type: MoneyDto }) total: MoneyDto;
}

export class CartItemDto {
  @ApiProperty({ format: 'uuid' }) variantId: string;
  @ApiProperty() sku: string;
  @ApiProperty() title: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  options: Record<string, string>;
  @ApiProperty({ type: MoneyDto }) unitPrice: MoneyDto;
  @ApiProperty() quantity: number;
  @ApiProperty({ type: MoneyDto }) lineTotal: MoneyDto;
  /** Units that can still be reserved right now. */
  @ApiProperty() available: number;
}

export class CartDto {
  @ApiProperty({ format: 'uuid', description: 'For guests, the only key to the cart' })
  id: string;

  @ApiProperty({ enum: ['open', 'ordered', 'merged'] })
  status: string;

  @ApiProperty({ type: String, nullable: true }) couponCode: string | null;
  @ApiProperty({ type: [CartItemDto] }) items: CartItemDto[];

  /** `null` when the parcel is heavier than every shipping rate. */
  @ApiProperty({ type: TotalsDto, nullable: true })
  totals: TotalsDto | null;
}

export class CartResponse {
  @ApiProperty({ type: CartDto }) cart: CartDto;
}

export function toTotalsDto(t: Omit<Totals, 'lineDiscounts'>, currency: string): TotalsDto {
  return {
    subtotal: money(t.subtotalMinor, currency),
    discount: money(t.discountMinor, currency),
    shipping: money(t.shippingMinor, currency),
    tax: money(t.taxMinor, currency),
    total: money(t.totalMinor, currency),
  };
}

export function toCartDto(cart: CartView): CartDto {
  const { currency } = cart;
  return {
    id: cart.id,
    status: cart.status,
    couponCode: cart.couponCode,
    items: cart.items.map((i) => ({
      variantId: i.variantId,
      sku: i.sku,
      title: i.title,
      options: i.options,
      unitPrice: money(i.unitPriceMinor, currency),
      quantity: i.quantity,
      lineTotal: money(i.unitPriceMinor * i.quantity, currency),
      available: Math.max(0, i.available),
    })),
    totals: cart.totals ? toTotalsDto(cart.totals, currency) : null,
  };
}
