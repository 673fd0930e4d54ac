import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { encodeCursor, Keyset } from './cursor';

export class PageQueryDto {
  /** Rows per page, 1..200. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200)
  limit?: number;

  /** The `nextCursor` of the previous page. */
  @IsOptional() @IsString() @MaxLength(512)
  cursor?: string;
}

export const DEFAULT_PAGE_SIZE = 50;

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
