import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiAuthenticatedProblems } from '../common/openapi/api-problems.decorator';
import { ApiSuccess } from '../common/openapi/api-success.decorator';
import { ANY_ROLE, Ctx, Roles } from '../access/access.decorators';
import type { RequestContext } from '../common/request-context';
import { SummaryReportQueryDto } from './dto/summary-report-query.dto';
import { SummaryReportDto } from './dto/summary-report.dto';
import { ReportsService } from './reports.service';

@ApiTags('reports and exports')
@ApiBearerAuth()
@ApiAuthenticatedProblems()
@Controller('reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  /**
   * Shipments, lines, declared value per currency and quantity per unit, grouped by `groupBy`, over the
   * shipments the caller may see and the filters admit (the list's filters; `category` as a filter keeps
   * shipments with a line of that category, with all their lines). Partners and scoped coordinators see
   * their organization's shipments only. Grouped by `category`, a shipment with lines in two categories
   * counts in both groups, and each group sums only its own category's lines. `month` is the shipment's
   * `createdAt` month in UTC.
   */
  @Get('summary')
  @Roles(...ANY_ROLE)
  @ApiSuccess({ type: SummaryReportDto, description: 'One row per group.' })
  summary(@Ctx() context: RequestContext, @Query() query: SummaryReportQueryDto): Promise<SummaryReportDto> {
    return this.reports.summary(context, query);
  }
}
