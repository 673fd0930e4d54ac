import { Injectable } from '@nestjs/common';
import { stringify } from 'csv-stringify';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import type { RequestContext } from '../common/request-context';
import { organizationScope } from '../shipments/shipment-scope';
import type { ExportShipmentsQueryDto } from './dto/export-shipments-query.dto';
import { ExportsRepository } from './exports.repository';
import { MANIFEST_HEADER, MANIFEST_HXL_TAGS, neutraliseFormula } from './manifest-columns';

@Injectable()
export class ExportsService {
  constructor(private readonly exports: ExportsRepository) {}

  /**
   * The manifest as RFC 4180 CSV (CRLF, fields quoted when they hold a comma, quote or line break), UTF-8,
   * produced as the client reads it. The cursor's connection goes back to the pool when the last row
   * is written, and is discarded when the client goes away or the query fails midway (fastify destroys
   * the stream it was sending, pipeline destroys the cursor).
   */
  async manifest(context: RequestContext, query: ExportShipmentsQueryDto): Promise<Readable> {
    const cursor = await this.exports.openManifest(query, organizationScope(context.principal));
    const csv = stringify({
      record_delimiter: 'windows',
      // csv-stringify quotes a field holding the record delimiter (CRLF) but not a lone LF or CR; RFC 4180
      // and spreadsheets need any line break quoted.
      quoted_match: /[\r\n]/,
      cast: { string: neutraliseFormula },
    });
    csv.write([...MANIFEST_HEADER]);
    if (query.format === 'hxl') csv.write([...MANIFEST_HXL_TAGS]);
    pipeline(cursor.rows, csv, (error) => cursor.release(Boolean(error)));
    return csv;
  }
}
