import { ApiProperty, PartialType } from '@nestjs/swagger';
import { IsIn, IsISO31661Alpha2, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { PageOf } from '../../common/openapi/page.dto';
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
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'Ministry of Health of Ukraine' })
  name: string;

  type: OrganizationType;

  /** ISO 3166-1 alpha-2. */
  @ApiProperty({ type: String, nullable: true, example: 'UA' })
  countryCode: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'XM-DAC-41114' })
  iatiIdentifier: string | null;

  /** Goes up by one with every edit; the ETag is `"<version>"`. */
  @ApiProperty({ type: 'integer', example: 1 })
  version: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export class OrganizationPageDto extends PageOf(OrganizationDto) {}
