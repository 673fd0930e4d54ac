import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { ApiAuthenticatedProblems, ApiProblems } from '../common/openapi/api-problems.decorator';
import { ApiSuccess } from '../common/openapi/api-success.decorator';
import { Ctx, Roles } from '../access/access.decorators';
import { Idempotent } from '../common/idempotency/idempotent.decorator';
import { Problem } from '../common/problem';
import type { RequestContext } from '../common/request-context';
import { MANIFEST_HEADER } from '../exports/manifest-columns';
import { ImportResultDto } from './dto/import-result.dto';
import { ImportResult, ImportsService } from './imports.service';

@ApiTags('shipments')
@ApiBearerAuth()
@ApiAuthenticatedProblems()
@Controller('shipments')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  /**
   * Imports a packing list: a `text/csv` manifest, one row per line item, rows with the same
   * `shipmentKey` forming one shipment (the columns of `GET /shipments/export`; its export-only columns
   * are ignored). All or nothing: any error answers 400 with every bad `{row, column, message}` (row 1
   * is the header) and stores nothing; success records every shipment in one transaction.
   */
  @Post('import')
  @HttpCode(201)
  @Idempotent()
  @Roles('admin', 'coordinator')
  @ApiConsumes('text/csv')
  @ApiSuccess({ status: 201, type: ImportResultDto, description: 'Every shipment of the manifest, recorded.' })
  @ApiProblems(
    {
      status: 400,
      code: 'invalid-manifest',
      detail: 'The manifest has 2 errors on 1 row; nothing was imported.',
      errors: [
        { row: 3, column: 'quantity', message: 'must be a decimal number, as a JSON string or number (e.g. "12.50")' },
        { row: 3, column: 'unit', message: 'must be one of the following values: each, pack, box, carton, pallet, kit, kg, tonne, litre, dose, set' },
      ],
    },
    403,
    413,
    415,
    422,
  )
  @ApiBody({
    description: `UTF-8 CSV. Header: ${MANIFEST_HEADER.join(',')} (required: shipmentKey, donorId, recipientId, originCountry, destinationCountry, description, category, quantity, unit).`,
    schema: { type: 'string' },
  })
  import(@Ctx() context: RequestContext, @Body() manifest: unknown, @Headers('content-type') contentType?: string): Promise<ImportResult> {
    // A JSON string body is a string too: only a text/csv body is a manifest.
    if (typeof manifest !== 'string' || !/^text\/csv\b/i.test(contentType ?? '')) throw new Problem(415, 'unsupported-media-type', 'Unsupported Media Type', 'Send the manifest as text/csv.');
    return this.imports.import(context, manifest);
  }
}
