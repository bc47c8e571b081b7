import { Field, InputType, ObjectType } from '@nestjs/graphql';
import { IsInt, IsString, Length, Max, Min } from 'class-validator';
import { SafeIntScalar } from '@/core/graphql/safe-int.scalar';

/** GraphQL twin of `MoneyDto`: an integer amount in minor units with its ISO 4217 code. */
@ObjectType('Money', { description: 'Integer amount in minor units of `currency` (ISO 4217).' })
export class MoneyModel {
  @Field(() => SafeIntScalar)
  amount: number;

  @Field()
  currency: string;
}

@InputType('MoneyInput', {
  description: '`currency` must be the store currency (never converted).',
})
export class MoneyInput {
  @Field(() => SafeIntScalar)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  amount: number;

  @Field()
  @IsString()
  @Length(3, 3)
  currency: string;
}
