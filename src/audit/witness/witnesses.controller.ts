import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ANY_ROLE, Roles } from '../../access/access.decorators';
import { ApiAuthenticatedProblems } from '../../common/openapi/api-problems.decorator';
import { ApiSuccess } from '../../common/openapi/api-success.decorator';
import { WitnessListDto } from '../dto/audit-response.dto';
import { CosignedCheckpoints } from './cosigned-checkpoints';

@ApiTags('audit trail')
@ApiBearerAuth()
@ApiAuthenticatedProblems()
@Controller()
export class WitnessesController {
  constructor(private readonly cosigned: CosignedCheckpoints) {}

  /** The witnesses that cosign this log's checkpoints: the size each last cosigned, when, its lag and last error. */
  @Get('audit/witnesses')
  @Roles(...ANY_ROLE)
  @ApiSuccess({ type: WitnessListDto, description: 'The witnesses, in configuration order.' })
  witnesses() {
    return this.cosigned.witnesses();
  }
}
