import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ANY_ROLE, Ctx, Roles } from '../access/access.decorators';
import type { RequestContext } from '../common/request-context';
import { ExportShipmentsQueryDto } from './dto/export-shipments-query.dto';
import { ExportsService } from './exports.service';
import { IATI_SKIPPED_HEADER, IatiExportService } from './iati/iati-export.service';
import { MANIFEST_COLUMNS } from './manifest-columns';

const IATI_DOC =
  'With format=iati: an <iati-activities version="2.03"> document, one iati-activity per shipment (identifier: ' +
  "the donor's IATI organisation identifier, '-', the reference); a shipment whose donor has no IATI identifier " +
  'is left out, with an XML comment in its place. The mapping is in docs/iati.md.';
const COLUMNS_DOC = MANIFEST_COLUMNS.map((column) => `\`${column.name}\` (\`${column.hxl}\`)`).join(', ');

@ApiTags('reports and exports')
@ApiBearerAuth()
@Controller('shipments/export')
export class ExportsController {
  constructor(
    private readonly exports: ExportsService,
    private readonly iati: IatiExportService,
  ) {}

  /**
   * The line items of the shipments the caller may see (same filters as the list), one CSV row per line,
   * oldest shipment first, streamed. Partners and scoped coordinators get their organization's shipments only.
   * `format=iati`: one IATI 2.03 activity per shipment instead (docs/iati.md).
   */
  @Get()
  @Roles(...ANY_ROLE)
  @ApiProduces('text/csv', 'application/xml')
  @ApiOkResponse({
    description:
      `RFC 4180 CSV, UTF-8 (no BOM), CRLF line ends; empty cell = no value. A header row, with \`format=hxl\` ` +
      `the HXL hashtag row under it, then one row per line item. Columns, in order (HXL tag): ${COLUMNS_DOC}. ` +
      `The same columns are accepted by POST /shipments/import. A text cell starting with =, +, -, @, tab or ` +
      `carriage return is written with a leading ' so that spreadsheets do not run it as a formula.`,
    content: {
      'text/csv': { schema: { type: 'string' } },
      'application/xml': {
        schema: { type: 'string', description: IATI_DOC },
      },
    },
    headers: {
      [IATI_SKIPPED_HEADER]: {
        description: 'With format=iati: how many shipments were left out (donor without an IATI identifier).',
        schema: { type: 'integer' },
      },
    },
  })
  async export(
    @Ctx() context: RequestContext,
    @Query() query: ExportShipmentsQueryDto,
    @Res() reply: FastifyReply,
  ) {
    const date = new Date().toISOString().slice(0, 10);
    if (query.format === 'iati') {
      const { xml, skipped } = await this.iati.export(context, query);
      void reply
        .type('application/xml; charset=utf-8')
        .header('content-disposition', `attachment; filename="aidtrail-iati-activities-${date}.xml"`)
        .header('cache-control', 'no-store')
        .header(IATI_SKIPPED_HEADER, String(skipped))
        .send(xml);
      return;
    }
    const csv = await this.exports.manifest(context, query);
    const name = `aidtrail-shipments-${date}${query.format === 'hxl' ? '-hxl' : ''}.csv`;
    void reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}"`)
      .header('cache-control', 'no-store')
      .send(csv);
  }
}
