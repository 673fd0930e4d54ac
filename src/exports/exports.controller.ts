import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiAuthenticatedProblems } from '../common/openapi/api-problems.decorator';
import { ApiSuccess } from '../common/openapi/api-success.decorator';
import type { FastifyReply } from 'fastify';
import { ANY_ROLE, Ctx, Roles } from '../access/access.decorators';
import type { RequestContext } from '../common/request-context';
import { ExportShipmentsQueryDto } from './dto/export-shipments-query.dto';
import { ExportsService } from './exports.service';
import { MANIFEST_COLUMNS } from './manifest-columns';

const COLUMNS_DOC = MANIFEST_COLUMNS.map((column) => `\`${column.name}\` (\`${column.hxl}\`)`).join(', ');

@ApiTags('reports and exports')
@ApiBearerAuth()
@ApiAuthenticatedProblems()
@Controller('shipments/export')
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  /**
   * The line items of the shipments the caller may see (same filters as the list), one CSV row per line,
   * oldest shipment first, streamed. Partners and scoped coordinators get their organization's shipments only.
   */
  @Get()
  @Roles(...ANY_ROLE)
  @ApiSuccess({
    description:
      `RFC 4180 CSV, UTF-8 (no BOM), CRLF line ends; empty cell = no value. A header row, with \`format=hxl\` ` +
      `the HXL hashtag row under it, then one row per line item. Columns, in order (HXL tag): ${COLUMNS_DOC}. ` +
      `The same columns are accepted by POST /shipments/import. A text cell starting with =, +, -, @, tab or ` +
      `carriage return is written with a leading ' so that spreadsheets do not run it as a formula.`,
    content: { 'text/csv': { schema: { type: 'string' } } },
  })
  async export(
    @Ctx() context: RequestContext,
    @Query() query: ExportShipmentsQueryDto,
    @Res() reply: FastifyReply,
  ) {
    const csv = await this.exports.manifest(context, query);
    const date = new Date().toISOString().slice(0, 10);
    const name = `aidtrail-shipments-${date}${query.format === 'hxl' ? '-hxl' : ''}.csv`;
    void reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}"`)
      .header('cache-control', 'no-store')
      .send(csv);
  }
}
