import { IsIn, IsOptional } from 'class-validator';
import { ShipmentFilterDto } from '../../shipments/dto/list-shipments-query.dto';

export const EXPORT_FORMATS = ['csv', 'hxl', 'iati'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export class ExportShipmentsQueryDto extends ShipmentFilterDto {
  /**
   * `csv` (default): a header row, then one row per line item. `hxl`: the same with the HXL hashtag row under
   * the header. `iati`: one IATI 2.03 activity per shipment, as XML (docs/iati.md).
   */
  @IsOptional()
  @IsIn(EXPORT_FORMATS)
  format?: ExportFormat;
}
