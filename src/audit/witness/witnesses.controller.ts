import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ANY_ROLE, Roles } from '../../access/access.decorators';
import { CosignedCheckpoints } from './cosigned-checkpoints';

@ApiTags('audit trail')
@ApiBearerAuth()
@Controller()
export class WitnessesController {
  constructor(private readonly cosigned: CosignedCheckpoints) {}

  /** The witnesses that cosign this log's checkpoints: the size each last cosigned, when, its lag and last error. */
  @Get('audit/witnesses')
  @Roles(...ANY_ROLE)
  witnesses() {
    return this.cosigned.witnesses();
  }
}
