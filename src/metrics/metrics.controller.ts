import { Controller, Get, Header } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../common/openapi/api-problems.decorator';
import { ApiSuccess } from '../common/openapi/api-success.decorator';
import { Public } from '../access/access.decorators';
import { metricsRegistry } from './metrics';

@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  /** Prometheus text exposition format. */
  @Get()
  @Public()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiSuccess({ description: 'Prometheus text exposition format 0.0.4.', content: { 'text/plain': { schema: { type: 'string' } } } })
  @ApiProblems(400)
  metrics(): Promise<string> {
    return metricsRegistry.metrics();
  }
}
