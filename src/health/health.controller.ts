import { Controller, Get } from '@nestjs/common';
import { ApiExtraModels, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../common/openapi/api-problems.decorator';
import { ApiSuccess } from '../common/openapi/api-success.decorator';
import { HealthIndicatorDto, LivenessDto, ReadinessDto } from './dto/health.dto';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '../access/access.decorators';

@ApiTags('operations')
@ApiExtraModels(HealthIndicatorDto)
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
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
  @ApiProblems(400, 503)
  ready() {
    return this.health.check([() => this.database.pingCheck('database', { timeout: 1500 })]);
  }
}
