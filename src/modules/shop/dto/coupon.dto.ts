import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsDateString,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { OffsetPaginationQuery } from '@/core/http/pagination.dto';
import { QueryBoolean } from '@/core/http/validation';
import { COUPON_SORT, type CouponRow } from '../coupons.repository';
import { money, MoneyDto } from './money.dto';

const MAX_LIMIT = 1_000_000_000;

/** A new promotion code: exactly one of `percentOff` and `amountOff` (Stripe's coupon shape). */
export class CreateCouponBody {
  /** Letters, digits, `-` and `_`; stored upper-case, typed by customers in any case. */
  @ApiProperty({ example: 'WINTER-10', minLength: 3, maxLength: 64 })
  @Matches(/^[A-Za-z0-9_-]{3,64}$/, { message: 'code must be 3–64 letters, digits, - or _' })
  code: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, description: 'Percent off the subtotal' })
  @ValidateIf((o: CreateCouponBody) => o.percentOff !== undefined || o.amountOff === undefined)
  @IsInt()
  @Min(1)
  @Max(100)
  percentOff?: number;

  @ApiPropertyOptional({ type: MoneyDto, description: 'Fixed amount off, in the store currency' })
  @ValidateIf((o: CreateCouponBody) => o.amountOff !== undefined) // null is not a discount
  @IsObject()
  @ValidateNested()
  @Type(() => MoneyDto)
  amountOff?: MoneyDto;

  @ApiPropertyOptional({ format: 'date-time', description: 'Usable from (default: now)' })
  @IsOptional()
  @IsDateString({ strict: true })
  startsAt?: string;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Usable until',
  })
  @IsOptional()
  @IsDateString({ strict: true })
  endsAt?: string | null;

  @ApiPropertyOptional({ type: Number, minimum: 1, nullable: true, description: 'Uses in total' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_LIMIT)
  maxRedemptions?: number | null;

  @ApiPropertyOptional({
    type: Number,
    minimum: 1,
    nullable: true,
    description: 'Uses per customer (or email)',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_LIMIT)
  maxPerCustomer?: number | null;

  @ApiPropertyOptional({ default: true })
  @ValidateIf((o: CreateCouponBody) => o.active !== undefined) // null is not a state
  @IsBoolean()
  active?: boolean;
}

/**
 * What may change once a code is out: when it ends, its limits, whether it is active. Its
 * discount and code stay (orders refer to them); `null` removes an end or a limit.
 */
export class UpdateCouponBody extends PickType(CreateCouponBody, [
  'endsAt',
  'maxRedemptions',
  'maxPerCustomer',
  'active',
] as const) {}

export class ListCouponsQuery extends OffsetPaginationQuery {
  @ApiPropertyOptional({ enum: COUPON_SORT.values, default: '-createdAt' })
  @IsOptional()
  @IsIn(COUPON_SORT.values)
  sort: string = '-createdAt';

  @ApiPropertyOptional({
    type: Boolean,
    description: 'Only active (true) or inactive (false) codes',
  })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  active?: boolean;
}

export class CouponDto {
  @ApiProperty({ example: 'WINTER-10' }) code: string;
  @ApiProperty({ type: Number, nullable: true }) percentOff: number | null;
  @ApiProperty({ type: MoneyDto, nullable: true }) amountOff: MoneyDto | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) startsAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) endsAt: string | null;
  @ApiProperty({ type: Number, nullable: true }) maxRedemptions: number | null;
  @ApiProperty({ type: Number, nullable: true }) maxPerCustomer: number | null;
  @ApiProperty({ description: 'Orders holding the code (cancelled ones give it back)' })
  redemptions: number;
  @ApiProperty() active: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class CouponResponse {
  @ApiProperty({ type: CouponDto }) coupon: CouponDto;
}

export class CouponListResponse {
  @ApiProperty({ type: [CouponDto] }) coupons: CouponDto[];
  @ApiProperty() couponsCount: number;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export function toCouponDto(c: CouponRow & { createdAt: Date }, currency: string): CouponDto {
  return {
    code: c.code,
    percentOff: c.kind === 'percentage' ? c.amount : null,
    amountOff: c.kind === 'fixed' ? money(c.amount, currency) : null,
    startsAt: iso(c.startsAt),
    endsAt: iso(c.endsAt),
    maxRedemptions: c.maxRedemptions,
    maxPerCustomer: c.maxPerCustomer,
    redemptions: c.redemptions,
    active: c.active,
    createdAt: new Date(c.createdAt).toISOString(),
  };
}
