import { ApiProperty } from '@nestjs/swagger';
import { IsDateString, IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { ROLES, type Role } from '../access-token.entity';
import { TokenDto } from './token.dto';

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

/** A token just issued: the only answer that carries its secret. */
export class CreatedTokenDto extends TokenDto {
  /** The bearer secret. Shown only in this response (absent from a replay by Idempotency-Key); only its hash is stored. */
  @ApiProperty({ required: false, example: 'aidt_3q2Jx0Yb8rVw6mN1pLsT4kHcE9uZfGdA0x1y2z3w4v5u6t7s8' })
  token: string;
}
