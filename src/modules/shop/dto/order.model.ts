import { ArgsType, Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  IsEmail,
  IsInt,
  IsISO31661Alpha2,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '@/core/http/pagination.dto';
import { PAYMENT_METHOD } from './payment.dto';
import { MoneyInput, MoneyModel } from './money.model';

/** GraphQL twins of the REST cart/order DTOs: same names, same values (a test compares them). */
@ObjectType('OptionValue')
export class OptionValueModel {
  @Field() name: string;
  @Field() value: string;
}

@ObjectType('Totals')
export class TotalsModel {
  @Field(() => MoneyModel) subtotal: MoneyModel;
  @Field(() => MoneyModel) discount: MoneyModel;
  @Field(() => MoneyModel) shipping: MoneyModel;
  @Field(() => MoneyModel) tax: MoneyModel;
  @Field(() => MoneyModel) total: MoneyModel;
}

@ObjectType('CartItem')
export class CartItemModel {
  @Field(() => ID) variantId: string;
  @Field() sku: string;
  @Field() title: string;
  @Field(() => [OptionValueModel]) options: OptionValueModel[];
  @Field(() => MoneyModel) unitPrice: MoneyModel;
  @Field(() => Int) quantity: number;
  @Field(() => MoneyModel) lineTotal: MoneyModel;
  @Field(() => Int) available: number;
}

@ObjectType('Cart')
export class CartModel {
  @Field(() => ID, { description: 'For guests, the only key to the cart' }) id: string;
  @Field() status: string;
  @Field(() => String, { nullable: true }) couponCode: string | null;
  @Field(() => [CartItemModel]) items: CartItemModel[];
  @Field(() => TotalsModel, { nullable: true }) totals: TotalsModel | null;
}

@ObjectType('OrderLine')
export class OrderLineModel {
  @Field(() => ID) variantId: string;
  @Field() sku: string;
  @Field() title: string;
  @Field(() => MoneyModel) unitPrice: MoneyModel;
  @Field(() => Int) quantity: number;
  @Field(() => MoneyModel) discount: MoneyModel;
  @Field(() => MoneyModel) total: MoneyModel;
}

@ObjectType('OrderHistoryEntry')
export class OrderHistoryModel {
  @Field(() => String, { nullable: true }) from: string | null;
  @Field() to: string;
  @Field(() => String, { nullable: true }) note: string | null;
  @Field() at: string;
}

@ObjectType('ShippingAddress')
export class ShippingAddressModel {
  @Field() name: string;
  @Field() line1: string;
  @Field(() => String, { nullable: true }) line2?: string;
  @Field() city: string;
  @Field() postalCode: string;
  @Field() country: string;
}

@ObjectType('Order')
export class OrderModel {
  @Field() number: string;
  @Field() status: string;
  @Field() email: string;
  @Field(() => TotalsModel) totals: TotalsModel;
  @Field(() => MoneyModel) captured: MoneyModel;
  @Field(() => MoneyModel) refunded: MoneyModel;
  @Field(() => String, { nullable: true }) couponCode: string | null;
  @Field(() => ShippingAddressModel) shippingAddress: ShippingAddressModel;
  @Field(() => String, { nullable: true }) reservedUntil: string | null;
  @Field(() => [OrderLineModel]) lines: OrderLineModel[];
  @Field(() => [OrderHistoryModel]) history: OrderHistoryModel[];
  @Field() createdAt: string;
  @Field() updatedAt: string;
}

@ObjectType('OrderPage')
export class OrderPageModel {
  @Field(() => [OrderModel]) orders: OrderModel[];
  @Field(() => Int) ordersCount: number;
}

@ObjectType('Payment')
export class PaymentModel {
  @Field(() => ID) id: string;
  @Field() status: string;
  @Field(() => MoneyModel) amount: MoneyModel;
  @Field(() => String, { nullable: true }) clientSecret?: string;
}

@InputType('ShippingAddressInput')
export class ShippingAddressInput {
  @Field() @IsString() @Matches(/\S/) @MaxLength(200) name: string;
  @Field() @IsString() @Matches(/\S/) @MaxLength(200) line1: string;
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(200) line2?: string;
  @Field() @IsString() @Matches(/\S/) @MaxLength(100) city: string;
  @Field() @IsString() @Matches(/^[A-Za-z0-9 -]{2,12}$/) postalCode: string;
  @Field() @IsISO31661Alpha2() country: string;
}

@InputType('CheckoutInput')
export class CheckoutInput {
  @Field({ nullable: true }) @IsOptional() @IsEmail() @MaxLength(254) email?: string;

  @Field(() => ShippingAddressInput)
  @ValidateNested()
  @Type(() => ShippingAddressInput)
  shippingAddress: ShippingAddressInput;

  @Field(() => MoneyInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => MoneyInput)
  expectedTotal?: MoneyInput;
}

@ArgsType()
export class CartItemArgs {
  @Field(() => ID) @IsUUID('4') cartId: string;
  @Field(() => ID) @IsUUID() variantId: string;
}

@ArgsType()
export class SetCartItemArgs extends CartItemArgs {
  @Field(() => Int) @IsInt() @Min(1) @Max(999) quantity: number;
}

@ArgsType()
export class CheckoutArgs {
  @Field(() => ID) @IsUUID('4') cartId: string;
  @Field(() => CheckoutInput) @ValidateNested() @Type(() => CheckoutInput) input: CheckoutInput;

  @Field({
    nullable: true,
    description: 'Retry-safe: the same key on the same cart answers with the order already placed',
  })
  @IsOptional()
  @Matches(/^[\x21-\x7e]{1,255}$/)
  idempotencyKey?: string;
}

@ArgsType()
export class PayArgs {
  @Field() @IsString() @MaxLength(20) number: string;
  @Field()
  @Matches(PAYMENT_METHOD, { message: 'paymentMethod must be a payment method id (pm_…)' })
  paymentMethod: string;
}

@ArgsType()
export class OrdersArgs {
  @Field(() => Int, { defaultValue: DEFAULT_PAGE_SIZE })
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit: number = DEFAULT_PAGE_SIZE;

  @Field(() => Int, { defaultValue: 0 }) @IsInt() @Min(0) @Max(1_000_000) offset: number = 0;
}

@ArgsType()
export class OrderNumberArgs {
  @Field() @IsString() @MaxLength(20) number: string;
}

@ArgsType()
export class CancelOrderArgs extends OrderNumberArgs {
  @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(500) reason?: string;
}

@ArgsType()
export class RefundArgs extends OrderNumberArgs {
  @Field(() => MoneyInput) @ValidateNested() @Type(() => MoneyInput) amount: MoneyInput;

  @Field({ nullable: true }) @IsOptional() @IsString() @MaxLength(500) reason?: string;

  @Field({
    description: 'Required, as `Idempotency-Key` is on REST: the same key refunds once',
  })
  @Matches(/^[\x21-\x7e]{1,255}$/)
  idempotencyKey: string;
}

@ArgsType()
export class ApplyCouponArgs {
  @Field(() => ID) @IsUUID('4') cartId: string;

  @Field()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'code must be 1–64 letters, digits, - or _' })
  code: string;
}
