import { PartialType } from '@nestjs/swagger';
import { IsIn, IsISO31661Alpha2, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { PageQueryDto } from '../../common/page';
import { ORGANIZATION_TYPES, type OrganizationType } from '../organization.entity';

export class CreateOrganizationDto {
  /** Unique, compared case-insensitively. */
  @IsString() @MinLength(1) @MaxLength(300) @Matches(/\S/, { message: 'must not be blank' })
  name: string;

  @IsIn(ORGANIZATION_TYPES)
  type: OrganizationType;

  /** ISO 3166-1 alpha-2; required for governments. */
  @ValidateIf((o: CreateOrganizationDto) => o.countryCode !== undefined || o.type === 'government')
  @IsISO31661Alpha2({ message: 'must be an ISO 3166-1 alpha-2 country code (required for a government)' })
  countryCode?: string | null;

  /** IATI organisation identifier, e.g. "XM-DAC-41114". */
  @IsOptional() @IsString() @MaxLength(100) @Matches(/^[A-Za-z0-9][A-Za-z0-9\-._/:]*$/, { message: 'must be an IATI organisation identifier' })
  iatiIdentifier?: string | null;
}

export class UpdateOrganizationDto extends PartialType(CreateOrganizationDto) {}

export class ListOrganizationsQueryDto extends PageQueryDto {
  @IsOptional() @IsIn(ORGANIZATION_TYPES)
  type?: OrganizationType;

  /** Part of the name, case-insensitive. */
  @IsOptional() @IsString() @MaxLength(200)
  q?: string;
}

export class OrganizationDto {
  id: string;
  name: string;
  type: OrganizationType;
  countryCode: string | null;
  iatiIdentifier: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}
