import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Length, Max, Min } from 'class-validator';

/** An amount in the currency's minor unit (cents for EUR, yen for JPY) with its ISO 4217 code. */
export class MoneyDto {
  @ApiProperty({ example: 1999, description: 'Integer amount in minor units' })
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  amount: number;

  @ApiProperty({ example: 'EUR', description: 'ISO 4217; must be the store currency' })
  @IsString()
  @Length(3, 3)
  currency: string;
}

export const money = (amount: number, currency: string): MoneyDto => ({ amount, currency });
