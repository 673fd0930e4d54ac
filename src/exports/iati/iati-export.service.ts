import { Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import type { RequestContext } from '../../common/request-context';
import type { ShipmentFilterDto } from '../../shipments/dto/list-shipments-query.dto';
import { organizationScope } from '../../shipments/shipment-scope';
import { IatiActivitiesRepository } from './iati-activities.repository';
import { IatiActivitiesWriter } from './iati-activities-writer';

/** The export's answer header: how many shipments were left out (donor without an IATI identifier). */
export const IATI_SKIPPED_HEADER = 'x-iati-skipped-shipments';

export interface IatiExport {
  xml: Readable;
  /** Shipments left out because their donor has no IATI organisation identifier. */
  skipped: number;
}

@Injectable()
export class IatiExportService {
  constructor(private readonly activities: IatiActivitiesRepository) {}

  /**
   * The shipments the caller may see as an IATI 2.03 activity file, produced as the client reads it (as the
   * CSV export is: the cursor's connection goes back after the last row, and is discarded when the client
   * goes away). Waits for the first row only, which carries the number of skipped shipments.
   */
  async export(context: RequestContext, filter: ShipmentFilterDto): Promise<IatiExport> {
    const cursor = await this.activities.open(filter, organizationScope(context.principal));
    const xml = new IatiActivitiesWriter(new Date().toISOString());
    pipeline(cursor.rows, xml, (error) => cursor.release(Boolean(error)));
    return { xml, skipped: await xml.skipped };
  }
}
