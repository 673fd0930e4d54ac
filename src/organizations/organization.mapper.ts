import type { OrganizationDto } from './dto/organization.dto';
import type { OrganizationRow } from './organizations.repository';

export function toOrganizationDto(row: OrganizationRow): OrganizationDto {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    countryCode: row.country_code?.trim() ?? null,
    iatiIdentifier: row.iati_identifier,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
