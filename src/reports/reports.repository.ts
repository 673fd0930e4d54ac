import { Injectable } from '@nestjs/common';
import { SqlParams } from '../common/sql';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/sql/database';
import type { ShipmentFilterDto } from '../shipments/dto/list-shipments-query.dto';
import { shipmentFilterConditions } from '../shipments/shipment-filters';
import { visibleTo } from '../shipments/shipment-scope';
import type { ReportGrouping } from './dto/summary-report-query.dto';
import type { SummaryRowDto } from './dto/summary-report.dto';

/** Each grouping's key and label, on the shipment (s), its donor (d), recipient (r) and line (i). */
const GROUPINGS: Record<ReportGrouping, { key: string; label: string }> = {
  donor: { key: 's.donor_id::text', label: 'd.name' },
  recipient: { key: 's.recipient_id::text', label: 'r.name' },
  status: { key: 's.status', label: 's.status' },
  // Per line: a shipment with lines in two categories falls in both groups, each with its own lines only.
  category: { key: 'i.category', label: 'i.category' },
  destinationCountry: { key: 'rtrim(s.destination_country)', label: 'rtrim(s.destination_country)' },
  month: {
    key: `to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM')`,
    label: `to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM')`,
  },
};

@Injectable()
export class ReportsRepository {
  constructor(
    private readonly database: Database,
    private readonly config: AppConfig,
  ) {}

  /**
   * The summary, computed entirely in PostgreSQL: numeric sums (exact, with numeric's scale: 0.10 + 0.20
   * is 0.30) per group and currency and per group and unit, sent as text. One pass over the lines of the
   * shipments the scope and filters admit.
   */
  async summary(
    groupBy: ReportGrouping,
    filter: ShipmentFilterDto,
    scope: string | null,
  ): Promise<SummaryRowDto[]> {
    const params = new SqlParams();
    const conditions = [visibleTo(params, scope, 'many'), ...shipmentFilterConditions(params, filter)];
    const { key, label } = GROUPINGS[groupBy];
    // The server cancels a report that runs past REPORT_TIMEOUT_MS (statement_timeout, 57014: a 503);
    // the client-side query timeout alone would leave it running after the request had given up.
    return this.database.transaction(async (tx) => {
      await tx.query(`SELECT set_config('statement_timeout', $1, true)`, [
        String(this.config.REPORT_TIMEOUT_MS),
      ]);
      return tx.query<SummaryRowDto>(
        `WITH line AS MATERIALIZED (
         SELECT ${key} AS key, ${label} AS label, s.id AS shipment_id,
                i.quantity, i.unit, i.unit_value, rtrim(i.currency) AS currency
           FROM shipment s
           JOIN organization d ON d.id = s.donor_id
           JOIN organization r ON r.id = s.recipient_id
           JOIN shipment_item i ON i.shipment_id = s.id
          WHERE ${conditions.join(' AND ')}),
       grouped AS (
         SELECT key, min(label) AS label, count(DISTINCT shipment_id)::int AS shipments, count(*)::int AS lines
           FROM line GROUP BY key),
       money AS (
         SELECT key, json_agg(json_build_object('currency', currency, 'amount', amount::text) ORDER BY currency) AS list
           FROM (SELECT key, currency, sum(quantity * unit_value) AS amount
                   FROM line WHERE unit_value IS NOT NULL GROUP BY key, currency) m
          GROUP BY key),
       quantity AS (
         SELECT key, json_agg(json_build_object('unit', unit, 'quantity', total::text) ORDER BY unit) AS list
           FROM (SELECT key, unit, sum(quantity) AS total FROM line GROUP BY key, unit) q
          GROUP BY key)
       SELECT g.key, g.label, g.shipments, g.lines,
              coalesce(m.list, '[]'::json) AS "declaredValue", coalesce(q.list, '[]'::json) AS quantities
         FROM grouped g
         LEFT JOIN money m ON m.key = g.key
         LEFT JOIN quantity q ON q.key = g.key
        ORDER BY g.label, g.key`,
        params.values,
      );
    });
  }
}
