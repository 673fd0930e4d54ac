import type { SqlParams } from '../common/sql';
import type { ShipmentFilterDto } from './dto/list-shipments-query.dto';
import { involves } from './shipment-scope';
import { searchPattern, textSearchHits } from './shipment-text-search';

/** The shipment filters as SQL conditions on alias `s`: the list's, the reports' and the exports'. */
export function shipmentFilterConditions(params: SqlParams, filter: ShipmentFilterDto): string[] {
  const conditions: string[] = [];
  if (filter.status?.length) conditions.push(`s.status = ANY(${params.add(filter.status)}::text[])`);
  if (filter.donorId) conditions.push(`s.donor_id = ${params.add(filter.donorId)}`);
  if (filter.recipientId) conditions.push(`s.recipient_id = ${params.add(filter.recipientId)}`);
  if (filter.organizationId) conditions.push(involves(params.add(filter.organizationId), 'many'));
  if (filter.category) {
    conditions.push(`EXISTS (SELECT 1 FROM shipment_item fc WHERE fc.shipment_id = s.id AND fc.category = ${params.add(filter.category)})`);
  }
  if (filter.originCountry) conditions.push(`s.origin_country = ${params.add(filter.originCountry.toUpperCase())}`);
  if (filter.destinationCountry) {
    conditions.push(`s.destination_country = ${params.add(filter.destinationCountry.toUpperCase())}`);
  }
  if (filter.emergency) conditions.push(`lower(s.emergency) = lower(${params.add(filter.emergency)})`);
  if (filter.q) conditions.push(`s.id IN (${textSearchHits(searchPattern(params, filter.q))})`);
  if (filter.createdFrom) {
    conditions.push(
      /^\d{4}-\d{2}-\d{2}$/.test(filter.createdFrom)
        ? `s.created_at >= ${params.add(filter.createdFrom)}::date::timestamp AT TIME ZONE 'UTC'`
        : `s.created_at >= ${params.add(filter.createdFrom)}::timestamptz`,
    );
  }
  if (filter.createdTo) {
    // A bare date includes that whole day (UTC); a timestamp is an inclusive bound.
    conditions.push(
      /^\d{4}-\d{2}-\d{2}$/.test(filter.createdTo)
        ? `s.created_at < (${params.add(filter.createdTo)}::date + 1)::timestamp AT TIME ZONE 'UTC'`
        : `s.created_at <= ${params.add(filter.createdTo)}::timestamptz`,
    );
  }
  if (filter.updatedSince) conditions.push(`s.updated_at >= ${params.add(filter.updatedSince)}::timestamptz`);
  return conditions;
}
