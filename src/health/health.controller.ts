import { Controller, Get } from '@nestjs/common';
import { ApiExtraModels, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../common/openapi/api-problems.decorator';
import { ApiSuccess } from '../common/openapi/api-success.decorator';
import { HealthIndicatorDto, LivenessDto, ReadinessDto } from './dto/health.dto';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { Public } from '../access/access.decorators';
import { DatabaseHealthIndicator } from './database.health';

@ApiTags('operations')
@ApiExtraModels(HealthIndicatorDto)
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: DatabaseHealthIndicator,
  ) {}

  /** The process is up. */
  @Get('live')
  @Public()
  @ApiSuccess({ type: LivenessDto, description: 'Up.' })
  @ApiProblems(400)
  live() {
    return { status: 'ok' };
  }

  /** Ready only while the database answers (503 otherwise), so a load balancer stops sending traffic. */
  @Get('ready')
  @Public()
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiSuccess({ type: ReadinessDto, description: 'The database answers.' })
  // Terminus' refusal reaches the problem filter as a plain 503: no Retry-After, type internal.
  @ApiProblems(400, {
    status: 503,
    description: 'Not ready: the database does not answer. A load balancer should send traffic elsewhere.',
    code: 'internal',
    title: 'Internal Server Error',
    detail: 'An unexpected error occurred.',
    retryAfter: false,
  })
  ready() {
    return this.health.check([() => this.database.pingCheck('database', { timeout: 1500 })]);
  }
}
