import { ApiProperty } from '@nestjs/swagger';

export class ImportedShipmentDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'SHP-2026-000007' })
  reference: string;
}

/** Every shipment of the manifest, recorded in one transaction, in the order of their first rows. */
export class ImportResultDto {
  @ApiProperty({ type: 'integer', minimum: 1, example: 2 })
  created: number;

  @ApiProperty({ type: () => ImportedShipmentDto, isArray: true })
  shipments: ImportedShipmentDto[];
}
