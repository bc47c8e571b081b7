import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { FAKE_PAYMENT_METHODS } from '../payments/fake-payment.provider';
import type { PaymentView } from '../payments.service';
import { money, MoneyDto } from './money.dto';

/** A provider's payment method id; the fake provider knows only its test ones. */
export const PAYMENT_METHOD = /^pm_[A-Za-z0-9_]{1,200}$/;

export class PayBody {
  /**
   * The customer's payment method at the provider: a Stripe `pm_…` id, or with the built-in fake
   * provider one of its test methods (Stripe's test ids: `pm_card_visa`, `pm_card_chargeDeclined`…).
   */
  @ApiProperty({
    example: 'pm_card_visa',
    description: `Fake provider: ${FAKE_PAYMENT_METHODS.join(', ')}`,
  })
  @Matches(PAYMENT_METHOD, { message: 'paymentMethod must be a payment method id (pm_…)' })
  paymentMethod: string;
}

export class PaymentDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['requires_payment', 'succeeded', 'failed', 'cancelled'] }) status: string;
  @ApiProperty({ type: MoneyDto }) amount: MoneyDto;
  /** Confirms the payment with the provider; only in the answer that created the payment. */
  @ApiPropertyOptional() clientSecret?: string;
}

export class PaymentResponse {
  @ApiProperty({ type: PaymentDto }) payment: PaymentDto;
}

export class RefundBody {
  @ApiProperty({ type: MoneyDto, description: 'At least 1 minor unit, at most what is refundable' })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => MoneyDto)
  amount: MoneyDto;

  @ApiPropertyOptional({ example: 'damaged in transit' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class WebhookAck {
  @ApiProperty() received: boolean;
  /** The event id was seen before; nothing was done again. */
  @ApiProperty() duplicate: boolean;
}

export function toPaymentDto(p: PaymentView): PaymentDto {
  return {
    id: p.id,
    status: p.status,
    amount: money(p.amountMinor, p.currency),
    ...(p.clientSecret ? { clientSecret: p.clientSecret } : {}),
  };
}
