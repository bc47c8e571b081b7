import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { RequirePermissions } from '@/core/auth/auth.decorators';
import { Permission } from '@/core/auth/permissions';
import { ErrorBody } from '@/core/http/error-body';
import { Idempotent } from '@/core/idempotency';
import { CouponsService } from './coupons.service';
import {
  CouponListResponse,
  CouponResponse,
  CreateCouponBody,
  ListCouponsQuery,
  toCouponDto,
  UpdateCouponBody,
} from './dto/coupon.dto';

/** Staff: promotion codes (percentage or fixed, window, total and per-customer limits). */
@ApiTags('shop')
@RequirePermissions(Permission.OrdersManage)
@Controller({ path: 'shop/admin/coupons', version: '1' })
export class CouponsController {
  constructor(private readonly coupons: CouponsService) {}

  @Idempotent()
  @Post()
  @ApiCreatedResponse({ type: CouponResponse })
  @ApiConflictResponse({ type: ErrorBody, description: 'SHOP.COUPON_CODE_TAKEN' })
  async createCoupon(@Body() body: CreateCouponBody): Promise<CouponResponse> {
    return { coupon: toCouponDto(await this.coupons.create(body), this.coupons.currency) };
  }

  @Get()
  @ApiOkResponse({ type: CouponListResponse })
  async listCoupons(@Query() query: ListCouponsQuery): Promise<CouponListResponse> {
    const { rows, total } = await this.coupons.list(query);
    return {
      coupons: rows.map((c) => toCouponDto(c, this.coupons.currency)),
      couponsCount: total,
    };
  }

  @Get(':code')
  @ApiOkResponse({ type: CouponResponse })
  @ApiNotFoundResponse({ type: ErrorBody })
  async getCoupon(@Param('code') code: string): Promise<CouponResponse> {
    return { coupon: toCouponDto(await this.coupons.get(code), this.coupons.currency) };
  }

  /** Ends, limits, pauses or resumes a code; its discount and code never change. */
  @Patch(':code')
  @ApiOkResponse({ type: CouponResponse })
  @ApiNotFoundResponse({ type: ErrorBody })
  async updateCoupon(
    @Param('code') code: string,
    @Body() body: UpdateCouponBody,
  ): Promise<CouponResponse> {
    return { coupon: toCouponDto(await this.coupons.update(code, body), this.coupons.currency) };
  }
}
