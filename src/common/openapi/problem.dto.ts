import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** One failed field (`path`) or, for a manifest import, one failed cell (`row`, `column`). */
export class ProblemErrorDto {
  /** Where in the body or query, as a client writes it: `items[2].quantity`. */
  @ApiPropertyOptional({ example: 'items[1].quantity' })
  path?: string;

  /** Manifest imports: the spreadsheet row (row 1 is the header). */
  @ApiPropertyOptional({ type: 'integer', minimum: 1, example: 3 })
  row?: number;

  /** Manifest imports: the column, or null for the whole row. */
  @ApiPropertyOptional({ type: String, nullable: true, example: 'quantity' })
  column?: string | null;

  @ApiProperty({ example: 'must be a decimal number, as a JSON string or number (e.g. "12.50")' })
  message: string;
}

/** An RFC 9457 problem: every error the service gives, with `Content-Type: application/problem+json`. */
export class ProblemDto {
  /** Stable, for clients to branch on: `urn:aidtrail:problem:<code>` (docs/api.md lists the codes). */
  @ApiProperty({ pattern: '^urn:aidtrail:problem:[a-z0-9-]+$', example: 'urn:aidtrail:problem:validation-failed' })
  type: string;

  @ApiProperty({ example: 'Bad Request' })
  title: string;

  @ApiProperty({ type: 'integer', minimum: 400, maximum: 599, example: 400 })
  status: number;

  /** For a person: what went wrong and, where it helps, what to send instead. */
  @ApiProperty({ example: 'The request is invalid; see errors.' })
  detail: string;

  /** The X-Request-Id of the request; quote it when reporting a problem. */
  @ApiProperty({ example: '5f0c3c1e-8f0b-4c56-9a43-2a8c2b0f4e61' })
  requestId: string;

  /** Each failed field (or manifest cell), when there are several things to fix. */
  @ApiPropertyOptional({ type: () => ProblemErrorDto, isArray: true })
  errors?: ProblemErrorDto[];
}
