import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class LivenessDto {
  @ApiProperty({ enum: ['ok'] })
  status: 'ok';
}

/** One dependency's state (Terminus' health indicator result). */
export class HealthIndicatorDto {
  @ApiProperty({ enum: ['up', 'down'], example: 'up' })
  status: string;

  /** How long the check took, ms. */
  @ApiPropertyOptional({ type: 'number', example: 4 })
  responseTime?: number;

  /** Why it is down. */
  @ApiPropertyOptional()
  message?: string;
}

/** Ready: the database answers. Keys of `info`, `error` and `details` name the dependencies (`database`). */
export class ReadinessDto {
  @ApiProperty({ enum: ['ok', 'error', 'shutting_down'], example: 'ok' })
  status: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { $ref: '#/components/schemas/HealthIndicatorDto' }, example: { database: { status: 'up' } } })
  info?: Record<string, HealthIndicatorDto>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { $ref: '#/components/schemas/HealthIndicatorDto' }, example: {} })
  error?: Record<string, HealthIndicatorDto>;

  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/HealthIndicatorDto' }, example: { database: { status: 'up' } } })
  details: Record<string, HealthIndicatorDto>;
}
