import { Module } from '@nestjs/common';
import { ShipmentsModule } from '../shipments/shipments.module';
import { AuditIntegrator } from './audit-integrator';
import { AuditLogRepository } from './audit-log.repository';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';
import { CosignedCheckpoints } from './witness/cosigned-checkpoints';
import { WitnessSubmitter } from './witness/witness-submitter';
import { WitnessRepository } from './witness/witness.repository';
import { WitnessesController } from './witness/witnesses.controller';

@Module({
  imports: [ShipmentsModule],
  controllers: [AuditController, WitnessesController],
  providers: [AuditService, AuditLogRepository, AuditIntegrator, WitnessRepository, WitnessSubmitter, CosignedCheckpoints],
})
export class AuditModule {}
