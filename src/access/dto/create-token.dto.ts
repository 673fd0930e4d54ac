import { IsDateString, IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { ROLES, type Role } from '../access-token.entity';

export class CreateTokenDto {
  /** Who or what holds the token, e.g. "Ministry of Health of Ukraine — logistics desk". */
  @IsString() @MinLength(1) @MaxLength(200)
  name: string;

  @IsIn(ROLES)
  role: Role;

  /** Required for `partner`; limits a `coordinator` to shipments involving this organization. */
  @IsOptional() @IsUUID()
  organizationId?: string;

  /** When the token stops working (ISO 8601, in the future). */
  @IsOptional() @IsDateString({ strict: true, strictSeparator: true })
  expiresAt?: string;
}

export class CreatedTokenDto {
  id: string;
  name: string;
  role: string;
  organizationId: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  createdAt: string;
  /** The bearer secret. Shown only in this response; only its hash is stored. */
  token: string;
}
