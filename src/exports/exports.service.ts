import { Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import type { RequestContext } from '../common/request-context';
import { organizationScope } from '../shipments/shipment-scope';
import type { ExportShipmentsQueryDto } from './dto/export-shipments-query.dto';
import { ExportsRepository } from './exports.repository';
import { manifestCsvWriter } from './manifest-csv';

@Injectable()
export class ExportsService {
  constructor(private readonly exports: ExportsRepository) {}

  /**
   * The manifest as CSV, UTF-8, produced as the client reads it. The cursor's connection goes back to the
   * pool after the last row, and is discarded when the client goes away or the query fails midway
   * (fastify destroys the stream it was sending, pipeline then destroys the cursor).
   */
  async manifest(context: RequestContext, query: ExportShipmentsQueryDto): Promise<Readable> {
    const cursor = await this.exports.openManifest(query, organizationScope(context.principal));
    const csv = manifestCsvWriter(query.format === 'hxl');
    pipeline(cursor.rows, csv, (error) => cursor.release(Boolean(error)));
    return csv;
  }
}
