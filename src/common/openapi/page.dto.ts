import { Type } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import type { Page } from '../page';

/**
 * The schema of a keyset page of `item`: `{data, nextCursor}`. Extend it with a named class
 * (`class ShipmentPageDto extends PageOf(ShipmentSummaryDto) {}`) so that the document names each page.
 */
export function PageOf<T>(item: Type<T>): Type<Page<T>> {
  class PageOfItems implements Page<T> {
    @ApiProperty({ type: item, isArray: true })
    data: T[];

    @ApiProperty({
      type: String,
      nullable: true,
      description: 'Send it as `cursor` for the next page; null on the last page.',
      example: 'eyJzIjoiY3JlYXRlZEF0OmRlc2MiLCJ2IjoiMjAyNi0wNi0xMFQwODowMDowMC4wMDBaIiwiaWQiOiIuLi4ifQ',
    })
    nextCursor: string | null;
  }
  return PageOfItems;
}
