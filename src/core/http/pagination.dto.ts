import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBase64, IsInt, IsOptional, Max, Min } from 'class-validator';
import { ValidationFailedError } from './domain-error';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

/** `limit`: 1…100 from the query string, 20 when absent. Every list uses it. */
function PageSize(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE }),
    IsOptional(),
    Type(() => Number),
    IsInt(),
    Min(1),
    Max(MAX_PAGE_SIZE),
  );
}

/** Offset pagination for small, admin-style lists. */
export class OffsetPaginationQuery {
  /** Page size, at most 100. */
  @PageSize()
  limit: number = DEFAULT_PAGE_SIZE;

  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  offset: number = 0;
}

/** Keyset pagination for lists ordered by time; `cursor` is opaque to clients. */
export class CursorPaginationQuery {
  @PageSize()
  limit: number = DEFAULT_PAGE_SIZE;

  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page' })
  @IsOptional()
  @IsBase64({ urlSafe: true })
  cursor?: string;
}

export function encodeCursor(value: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor(cursor: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A sort parameter restricted to a whitelist: `sort=-createdAt` means createdAt DESC. Maps the
 * public field name to a SQL expression so user input never reaches the query text.
 *
 * @example
 * const userSort = sortWhitelist({ createdAt: 'u.created_at', username: 'u.username' });
 * class ListUsersQuery extends OffsetPaginationQuery {
 *   @IsOptional() @IsIn(userSort.values) sort = '-createdAt';
 * }
 * const { column, direction } = userSort.parse(query.sort);
 */
export function sortWhitelist<F extends string>(columns: Record<F, string>) {
  const fields = Object.keys(columns) as F[];
  const values = fields.flatMap((f) => [f, `-${f}`]);
  return {
    values,
    parse(sort: string): { column: string; direction: 'ASC' | 'DESC' } {
      const desc = sort.startsWith('-');
      const field = (desc ? sort.slice(1) : sort) as F;
      if (!fields.includes(field)) {
        throw new ValidationFailedError({ sort: [`must be one of ${values.join(', ')}`] });
      }
      return { column: columns[field], direction: desc ? 'DESC' : 'ASC' };
    },
  };
}
