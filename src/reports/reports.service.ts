import { Injectable } from '@nestjs/common';
import type { RequestContext } from '../common/request-context';
import { organizationScope } from '../shipments/shipment-scope';
import type { SummaryReportQueryDto } from './dto/summary-report-query.dto';
import type { SummaryReportDto } from './dto/summary-report.dto';
import { ReportsRepository } from './reports.repository';

@Injectable()
export class ReportsService {
  constructor(private readonly reports: ReportsRepository) {}

  async summary(context: RequestContext, query: SummaryReportQueryDto): Promise<SummaryReportDto> {
    const { groupBy, ...filter } = query;
    const rows = await this.reports.summary(groupBy, filter, organizationScope(context.principal));
    return { groupBy, rows };
  }
}
