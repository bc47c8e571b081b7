import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsString, Matches, Max, MaxLength, Min, NotEquals } from 'class-validator';

export class StockAdjustmentBody {
  /** Units to add (delivery, count correction) or remove (damage, loss); never 0. */
  @ApiProperty({ example: 25, minimum: -1_000_000, maximum: 1_000_000 })
  @IsInt()
  @Min(-1_000_000)
  @Max(1_000_000)
  @NotEquals(0)
  delta: number;

  /** Why: kept in the stock ledger for good. */
  @ApiProperty({ example: 'delivery #4411' })
  @IsString()
  @Matches(/\S/, { message: 'must not be blank' })
  @MaxLength(500)
  note: string;

  @ApiPropertyOptional({ enum: ['adjustment', 'return'], default: 'adjustment' })
  @IsIn(['adjustment', 'return'])
  reason: 'adjustment' | 'return' = 'adjustment';
}

export class StockLevelDto {
  @ApiProperty() onHand: number;
  @ApiProperty() reserved: number;
  @ApiProperty() available: number;
}

export class StockLevelResponse {
  @ApiProperty({ type: StockLevelDto }) stock: StockLevelDto;
}

export class StockMovementDto {
  @ApiProperty() id: string;
  @ApiProperty() onHandDelta: number;
  @ApiProperty() reservedDelta: number;
  @ApiProperty({ enum: ['adjustment', 'reserve', 'release', 'sale', 'return'] }) reason: string;
  @ApiProperty({ type: String, nullable: true }) note: string | null;
  @ApiProperty({ type: String, nullable: true }) orderId: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class StockMovementsResponse {
  @ApiProperty({ type: [StockMovementDto] }) movements: StockMovementDto[];
}
