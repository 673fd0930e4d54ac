import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '../../common/openapi/page.dto';
import { ROLES } from '../access-token.entity';

/** A token as served: never its secret, never the secret's hash. */
export class TokenDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'Logistics desk' })
  name: string;

  @ApiProperty({ enum: ROLES, example: 'coordinator' })
  role: string;

  /** A partner's organization, or the one a coordinator is limited to; null otherwise. */
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  organizationId: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  expiresAt: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  revokedAt: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class TokenPageDto extends PageOf(TokenDto) {}

/** The caller, as resolved from its bearer token. */
export class PrincipalDto {
  @ApiProperty({ format: 'uuid' })
  tokenId: string;

  @ApiProperty({ example: 'Logistics desk' })
  name: string;

  @ApiProperty({ enum: ROLES, example: 'coordinator' })
  role: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  organizationId: string | null;
}
