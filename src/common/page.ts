import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { encodeCursor, Keyset } from './cursor';

export const DEFAULT_PAGE_SIZE = 50;

// The Swagger CLI plugin reads only *.dto.ts files, so these fields document themselves.
export class PageQueryDto {
  @ApiPropertyOptional({ description: 'Rows per page, 1..200.', minimum: 1, maximum: 200, default: DEFAULT_PAGE_SIZE })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200)
  limit?: number;

  // Room for the longest sort value, an organization name of 300 characters, in base64url JSON.
  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page (opaque).', maxLength: 2048 })
  @IsOptional() @IsString() @MaxLength(2048)
  cursor?: string;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/**
 * Builds a page from rows fetched with limit + 1: the extra row only says that there is a next page,
 * whose cursor is the keyset of the last row served.
 */
export function toPage<Row, T>(rows: Row[], limit: number, sort: string, keyset: (row: Row) => Keyset, map: (row: Row) => T): Page<T> {
  const served = rows.slice(0, limit);
  const last = served[served.length - 1];
  return {
    data: served.map(map),
    nextCursor: rows.length > limit && last ? encodeCursor(keyset(last), sort) : null,
  };
}
