import { Type } from 'class-transformer';
import { IsDateString, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { PageQueryDto } from '../../common/page';

export const ENTITY_TYPES = ['token', 'organization', 'shipment', 'webhook'] as const;

export class AuditListQueryDto extends PageQueryDto {
  @IsOptional() @IsIn(ENTITY_TYPES)
  entityType?: string;

  @IsOptional() @IsUUID()
  entityId?: string;

  /** e.g. `shipment.event_recorded`. */
  @IsOptional() @IsString() @MaxLength(100)
  action?: string;

  @IsOptional() @IsUUID()
  actorTokenId?: string;

  @IsOptional() @IsDateString({ strict: true })
  from?: string;

  @IsOptional() @IsDateString({ strict: true })
  to?: string;
}

const MAX_SIZE = Number.MAX_SAFE_INTEGER;

export class CheckpointQueryDto {
  /** A tree size the client holds: the answer adds the consistency proof from it. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(MAX_SIZE)
  since?: number;

  /** Answer the newest checkpoint that at least this many of the log's witnesses have cosigned. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100)
  cosigned?: number;
}

export class InclusionQueryDto {
  @Type(() => Number) @IsInt() @Min(0) @Max(MAX_SIZE)
  seq: number;

  /** Defaults to the latest checkpoint's size. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(MAX_SIZE)
  treeSize?: number;
}

export class ConsistencyQueryDto {
  @Type(() => Number) @IsInt() @Min(0) @Max(MAX_SIZE)
  from: number;

  /** Defaults to the latest checkpoint's size. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(MAX_SIZE)
  to?: number;
}

export class ExportQueryDto {
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(MAX_SIZE)
  fromSeq?: number;

  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(MAX_SIZE)
  toSeq?: number;
}
