import { Module } from '@nestjs/common';
import { ShipmentsModule } from '../shipments/shipments.module';
import { AuditIntegrator } from './audit-integrator';
import { AuditLogRepository } from './audit-log.repository';
import { AuditRecorder } from './audit-recorder';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';
import { AuditVerification } from './audit-verification.service';
import { CosignedCheckpoints } from './witness/cosigned-checkpoints';
import { WitnessSubmitter } from './witness/witness-submitter';
import { WitnessRepository } from './witness/witness.repository';
import { WitnessesController } from './witness/witnesses.controller';

@Module({
  imports: [ShipmentsModule],
  controllers: [AuditController, WitnessesController],
  providers: [
    AuditService,
    AuditVerification,
    AuditLogRepository,
    AuditIntegrator,
    AuditRecorder,
    WitnessRepository,
    WitnessSubmitter,
    CosignedCheckpoints,
  ],
})
export class AuditModule {}
