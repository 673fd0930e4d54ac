import { IsIn } from 'class-validator';
import { ShipmentFilterDto } from '../../shipments/dto/list-shipments-query.dto';

export const REPORT_GROUPINGS = [
  'donor',
  'recipient',
  'status',
  'category',
  'destinationCountry',
  'month',
] as const;
export type ReportGrouping = (typeof REPORT_GROUPINGS)[number];

export class SummaryReportQueryDto extends ShipmentFilterDto {
  /**
   * `donor`, `recipient` (key: organization id, label: its name), `status`, `category`, `destinationCountry`
   * (ISO 3166-1 alpha-2 code, also the label) or `month` (`YYYY-MM` of the shipment's createdAt, UTC).
   * With `category` a shipment with lines in two categories counts in both groups, and each group's
   * `lines`, `declaredValue` and `quantities` count only that category's lines.
   */
  @IsIn(REPORT_GROUPINGS)
  groupBy!: ReportGrouping;
}
